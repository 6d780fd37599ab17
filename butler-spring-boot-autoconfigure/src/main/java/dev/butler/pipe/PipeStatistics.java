package dev.butler.pipe;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters of a data pipe endpoint, written by the service's loop thread.
 */
public final class PipeStatistics {

	private static final VarHandle DATA_MESSAGES;

	private static final VarHandle BYTES;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			DATA_MESSAGES = lookup.findVarHandle(PipeStatistics.class, "dataMessages", long.class);
			BYTES = lookup.findVarHandle(PipeStatistics.class, "bytes", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private volatile long dataMessages;

	private volatile long bytes;

	volatile long batches;

	volatile long refused;

	/**
	 * Count a DATA message moved. Called per message by the only writer, the loop thread: a release
	 * store publishes the counts to other threads without the full fence of a volatile write.
	 * @param length the payload length
	 */
	void recordData(int length) {
		DATA_MESSAGES.setRelease(this, this.dataMessages + 1);
		BYTES.setRelease(this, this.bytes + length);
	}

	/**
	 * Return the DATA messages moved.
	 * @return the DATA messages sent or received
	 */
	public long dataMessages() {
		return this.dataMessages;
	}

	/**
	 * Return the payload bytes moved.
	 * @return the bytes sent or received
	 */
	public long bytes() {
		return this.bytes;
	}

	/**
	 * Return the batches agreed.
	 * @return the number of batches
	 */
	public long batches() {
		return this.batches;
	}

	/**
	 * Return the messages refused with CLOSE: malformed, out of band, or for an unknown pipe.
	 * @return the number of refused messages
	 */
	public long refused() {
		return this.refused;
	}

}
