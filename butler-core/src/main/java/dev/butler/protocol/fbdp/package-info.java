/**
 * Firebird Butler Data Pipe Protocol (FBDP): message types, flags, error codes and the codec of its
 * two-frame messages.
 */
@NullMarked
package dev.butler.protocol.fbdp;

import org.jspecify.annotations.NullMarked;
