/**
 * Firebird's {@code ConfigProto} messages, which carry configuration over ICCP, mapped to and from
 * plain Java maps.
 */
@NullMarked
package dev.butler.protocol.config;

import org.jspecify.annotations.NullMarked;
