/**
 * Auto-configuration of the supervision of Butler services.
 */
@NullMarked
package dev.butler.autoconfigure.supervision;

import org.jspecify.annotations.NullMarked;
