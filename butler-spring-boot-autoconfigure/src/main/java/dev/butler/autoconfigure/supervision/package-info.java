/**
 * Auto-configuration of the supervision of Butler services.
 */
package dev.butler.autoconfigure.supervision;
