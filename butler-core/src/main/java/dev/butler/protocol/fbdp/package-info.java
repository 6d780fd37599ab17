/**
 * Firebird Butler Data Pipe Protocol (FBDP): message types, flags, error codes and the codec of its
 * two-frame messages.
 */
package dev.butler.protocol.fbdp;
