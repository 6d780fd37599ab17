/**
 * Auto-configuration of the process monitor.
 */
@NullMarked
package dev.butler.autoconfigure.monitor;

import org.jspecify.annotations.NullMarked;
