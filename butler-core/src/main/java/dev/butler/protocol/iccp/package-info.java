/**
 * Saturnin's Internal Component Control Protocol (ICCP): the messages between a controller and the
 * components it runs, and their codec.
 */
@NullMarked
package dev.butler.protocol.iccp;

import org.jspecify.annotations.NullMarked;
