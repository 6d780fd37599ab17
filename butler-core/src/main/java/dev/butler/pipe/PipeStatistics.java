package dev.butler.pipe;

import dev.butler.service.Counter;

/**
 * Counters of a data pipe endpoint, written by the service's loop thread.
 */
public final class PipeStatistics {

	private final Counter dataMessages = new Counter();

	private final Counter bytes = new Counter();

	final Counter batches = new Counter();

	final Counter refused = new Counter();

	final Counter rejected = new Counter();

	final Counter dropped = new Counter();

	final Counter stalls = new Counter();

	/**
	 * Count a DATA message moved.
	 * @param length the payload length
	 */
	void recordData(int length) {
		this.dataMessages.increment();
		this.bytes.add(length);
	}

	/**
	 * Return the DATA messages moved.
	 * @return the DATA messages sent or received
	 */
	public long dataMessages() {
		return this.dataMessages.get();
	}

	/**
	 * Return the payload bytes moved.
	 * @return the bytes sent or received
	 */
	public long bytes() {
		return this.bytes.get();
	}

	/**
	 * Return the batches agreed.
	 * @return the number of batches
	 */
	public long batches() {
		return this.batches.get();
	}

	/**
	 * Return the data messages the consumer's handler rejected.
	 * @return the number of rejected messages
	 */
	public long rejected() {
		return this.rejected.get();
	}

	/**
	 * Return the messages refused with CLOSE: malformed, out of band, or for an unknown pipe.
	 * @return the number of refused messages
	 */
	public long refused() {
		return this.refused.get();
	}

	/**
	 * Return the messages this side could not deliver: kept for a peer that was gone or never
	 * answered, or that took nothing within {@code close_timeout}.
	 * @return the number of dropped messages
	 */
	public long dropped() {
		return this.dropped.get();
	}

	/**
	 * Return the sessions ended because the peer took no message for {@code peer_timeout}.
	 * @return the number of stalled sessions
	 */
	public long stalls() {
		return this.stalls.get();
	}

}
