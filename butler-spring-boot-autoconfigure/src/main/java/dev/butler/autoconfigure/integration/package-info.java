/**
 * Auto-configuration of the Spring Integration channel adapters for data pipes.
 */
package dev.butler.autoconfigure.integration;
