package dev.butler.service;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A count that only grows, written by any thread and read by any: the one counter type of the
 * runtime, pipes and queues, which snapshots and meters read.
 */
public final class Counter {

	private static final VarHandle VALUE;

	static {
		try {
			VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private volatile long value;

	/**
	 * Count one.
	 */
	public void increment() {
		VALUE.getAndAdd(this, 1L);
	}

	/**
	 * Count several.
	 * @param count how many, not negative
	 */
	public void add(long count) {
		VALUE.getAndAdd(this, count);
	}

	/**
	 * Return the count.
	 * @return how many were counted
	 */
	public long get() {
		return this.value;
	}

	@Override
	public String toString() {
		return Long.toString(this.value);
	}

}
