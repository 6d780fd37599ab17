/**
 * Auto-configuration of the readiness health of Butler services.
 */
@NullMarked
package dev.butler.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
