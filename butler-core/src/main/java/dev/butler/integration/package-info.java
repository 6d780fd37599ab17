/**
 * Spring Integration channel adapters for Firebird Butler Data Pipes: an inbound adapter that feeds
 * the data of a pipe into a flow, and an outbound adapter that feeds a flow's messages into a pipe.
 * See {@link dev.butler.integration.dsl.FbdpPipes} for the Java DSL.
 */
@NullMarked
package dev.butler.integration;

import org.jspecify.annotations.NullMarked;
