/**
 * Readiness of the application from the state of its Butler services.
 */
@NullMarked
package dev.butler.actuate.health;

import org.jspecify.annotations.NullMarked;
