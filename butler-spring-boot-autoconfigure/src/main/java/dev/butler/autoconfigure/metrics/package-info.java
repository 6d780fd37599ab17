/**
 * Auto-configuration of the Micrometer meters of Butler services.
 */
@NullMarked
package dev.butler.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
