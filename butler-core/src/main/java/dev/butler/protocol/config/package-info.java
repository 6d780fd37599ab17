/**
 * Firebird's {@code ConfigProto} messages, which carry configuration over ICCP, mapped to and from
 * plain Java maps.
 */
package dev.butler.protocol.config;
