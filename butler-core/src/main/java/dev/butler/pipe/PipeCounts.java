package dev.butler.pipe;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Counters of a data pipe endpoint at one moment.
 *
 * @param dataMessages DATA messages sent or received
 * @param bytes payload bytes sent or received
 * @param batches batches agreed
 * @param refused messages refused with CLOSE: malformed, out of band, or for an unknown pipe
 * @param dropped messages that could not be delivered: the peer was gone, never answered, or took
 * nothing within {@code close_timeout}
 * @param stalls sessions ended because the peer took no message for {@code peer_timeout}
 * @param rejected data messages the consumer's handler rejected ({@link DataRejectedException})
 */
public record PipeCounts(@JsonProperty("messages") long dataMessages, long bytes, long batches, long refused,
		long dropped, long stalls, long rejected) {

	/**
	 * Create counts with no rejected message.
	 * @param dataMessages DATA messages sent or received
	 * @param bytes payload bytes sent or received
	 * @param batches batches agreed
	 * @param refused messages refused with CLOSE
	 * @param dropped messages that could not be delivered
	 * @param stalls sessions ended because the peer took no message
	 */
	public PipeCounts(long dataMessages, long bytes, long batches, long refused, long dropped, long stalls) {
		this(dataMessages, bytes, batches, refused, dropped, stalls, 0);
	}

	/**
	 * Return the current values of live counters.
	 * @param statistics the counters of a pipe endpoint
	 * @return their values
	 */
	public static PipeCounts of(PipeStatistics statistics) {
		return new PipeCounts(statistics.dataMessages(), statistics.bytes(), statistics.batches(),
				statistics.refused(), statistics.dropped(), statistics.stalls(), statistics.rejected());
	}

}
