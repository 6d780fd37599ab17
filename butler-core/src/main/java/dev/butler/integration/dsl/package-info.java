/**
 * Java DSL for the FBDP channel adapters.
 */
@NullMarked
package dev.butler.integration.dsl;

import org.jspecify.annotations.NullMarked;
