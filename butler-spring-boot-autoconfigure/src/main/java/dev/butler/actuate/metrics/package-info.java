/**
 * Micrometer meters of services, pipes and queues.
 */
package dev.butler.actuate.metrics;
