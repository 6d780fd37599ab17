/**
 * Auto-configuration of the readiness health of Butler services.
 */
package dev.butler.autoconfigure.health;
