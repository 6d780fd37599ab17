/**
 * Auto-configuration of the Micrometer meters of Butler services.
 */
package dev.butler.autoconfigure.metrics;
