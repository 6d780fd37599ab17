/**
 * The {@code butler} actuator endpoint: services, their resources (pipes, queues, …), and ICCP control
 * (start, stop, restart, configure) over HTTP.
 */
@NullMarked
package dev.butler.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
