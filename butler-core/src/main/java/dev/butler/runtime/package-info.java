/**
 * The service runtime: the loop that runs one service on its own thread
 * ({@link dev.butler.runtime.MicroServiceRunner}) and what a service registers in one run
 * ({@code RunContext}), the source of every thread of the runtime
 * ({@link dev.butler.runtime.ButlerThreads}), its ZeroMQ channels and poller, and the checks of
 * endpoint addresses.
 */
@NullMarked
package dev.butler.runtime;

import org.jspecify.annotations.NullMarked;
