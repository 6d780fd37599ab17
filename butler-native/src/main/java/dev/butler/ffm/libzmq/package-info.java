/**
 * A ZeroMQ engine on libzmq ({@code libzmq.so.5}, Debian's {@code libzmq5}) through the Foreign
 * Function and Memory API of Java 22 and later: {@link dev.butler.ffm.libzmq.LibzmqEngine}, found by
 * {@link dev.butler.zeromq.ZmqEngines} as a provider of {@link dev.butler.zeromq.ZmqEngine}. Its
 * {@code ipc://} is a real Unix domain socket, which Saturnin and other libzmq peers reach.
 */
@NullMarked
package dev.butler.ffm.libzmq;

import org.jspecify.annotations.NullMarked;
