/**
 * Micrometer meters of services and of their resources: pipes, queues, …
 */
package dev.butler.actuate.metrics;
