/**
 * Auto-configuration of the Spring Integration channel adapters for data pipes.
 */
@NullMarked
package dev.butler.autoconfigure.integration;

import org.jspecify.annotations.NullMarked;
