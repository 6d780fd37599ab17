package dev.butler.ffm.libzmq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqEngine;

/**
 * libzmq as a {@link ZmqEngine}, called through the FFM API; found by
 * {@link dev.butler.zeromq.ZmqEngines} on Java 22 and later. Its constructor loads
 * {@code libzmq.so.5} (or {@code libzmq.so}) and fails, naming them, where neither is installed.
 * The JVM should run with {@code --enable-native-access=ALL-UNNAMED}, or it warns on first use.
 */
public final class LibzmqEngine implements ZmqEngine {

	private final String version;

	private final boolean curve;

	/**
	 * Load libzmq.
	 * @throws UnsupportedOperationException if libzmq cannot be loaded or lacks a function
	 */
	public LibzmqEngine() {
		try {
			LibZmq.link();
		}
		catch (ExceptionInInitializerError ex) {
			Throwable cause = ex.getCause();
			throw new UnsupportedOperationException((cause != null) ? cause.getMessage() : ex.toString());
		}
		catch (NoClassDefFoundError ex) {
			// The first attempt failed: tell why again.
			LibZmq.lookup();
			throw ex;
		}
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment numbers = arena.allocate(ValueLayout.JAVA_INT, 3);
			LibZmq.VERSION.invokeExact(numbers, numbers.asSlice(4), numbers.asSlice(8));
			this.version = "libzmq " + numbers.getAtIndex(ValueLayout.JAVA_INT, 0) + "."
					+ numbers.getAtIndex(ValueLayout.JAVA_INT, 1) + "." + numbers.getAtIndex(ValueLayout.JAVA_INT, 2);
			this.curve = (int) LibZmq.HAS.invokeExact(arena.allocateFrom("curve")) != 0;
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
	}

	@Override
	public String name() {
		return "libzmq";
	}

	@Override
	public String version() {
		return this.version;
	}

	@Override
	public boolean realIpc() {
		return true;
	}

	/**
	 * Return whether this libzmq was built with CURVE security.
	 * @return whether CURVE servers can be made
	 */
	public boolean hasCurve() {
		return this.curve;
	}

	@Override
	public ZmqContext newContext(int ioThreads) {
		if (ioThreads < 1) {
			throw new IllegalArgumentException("A context needs at least 1 I/O thread, not " + ioThreads);
		}
		return new LibzmqContext(this, ioThreads);
	}

	@Override
	public String toString() {
		return this.version;
	}

}
