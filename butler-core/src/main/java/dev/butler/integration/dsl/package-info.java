/**
 * Java DSL for the FBDP channel adapters.
 */
package dev.butler.integration.dsl;
