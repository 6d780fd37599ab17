/**
 * Auto-configuration of the {@code butler} actuator endpoint.
 */
@NullMarked
package dev.butler.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
