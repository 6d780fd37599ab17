package dev.butler.pipe;

/**
 * Counters of a data pipe endpoint, written by the service's loop thread.
 */
public final class PipeStatistics {

	volatile long dataMessages;

	volatile long bytes;

	volatile long batches;

	volatile long refused;

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
