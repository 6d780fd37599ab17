/**
 * The service runtime: the loop that runs one service on its own thread
 * ({@link dev.butler.runtime.MicroServiceRunner}), its ZeroMQ channels and poller, and the checks of
 * endpoint addresses.
 */
package dev.butler.runtime;
