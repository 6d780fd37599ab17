/**
 * Micrometer meters of services and of their resources: pipes, queues, …
 */
@NullMarked
package dev.butler.actuate.metrics;

import org.jspecify.annotations.NullMarked;
