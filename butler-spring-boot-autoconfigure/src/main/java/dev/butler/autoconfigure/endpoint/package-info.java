/**
 * Auto-configuration of the {@code butler} actuator endpoint.
 */
package dev.butler.autoconfigure.endpoint;
