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

	volatile long dropped;

	volatile long stalls;

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

	/**
	 * Return the messages this side could not deliver: kept for a peer that was gone or never
	 * answered, or that took nothing within {@code close_timeout}.
	 * @return the number of dropped messages
	 */
	public long dropped() {
		return this.dropped;
	}

	/**
	 * Return the sessions ended because the peer took no message for {@code peer_timeout}.
	 * @return the number of stalled sessions
	 */
	public long stalls() {
		return this.stalls;
	}

}
