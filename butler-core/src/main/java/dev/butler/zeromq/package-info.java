/**
 * The ZeroMQ engine behind the runtime: contexts, sockets, frames, polling and connection events
 * (monitors), as a small interface ({@link dev.butler.zeromq.ZmqEngine}) with its implementation on
 * JeroMQ (pure Java, always present, the default on Java 17), and the choice of an engine
 * ({@link dev.butler.zeromq.ZmqEngines}), which may find others such as libzmq through the FFM API on
 * Java 22 and later. Nothing here uses Spring or any other package of ours.
 */
@NullMarked
package dev.butler.zeromq;

import org.jspecify.annotations.NullMarked;
