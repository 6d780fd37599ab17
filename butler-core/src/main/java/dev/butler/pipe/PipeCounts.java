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
 */
public record PipeCounts(@JsonProperty("messages") long dataMessages, long bytes, long batches, long refused,
		long dropped, long stalls) {

	/**
	 * Return the current values of live counters.
	 * @param statistics the counters of a pipe endpoint
	 * @return their values
	 */
	public static PipeCounts of(PipeStatistics statistics) {
		return new PipeCounts(statistics.dataMessages(), statistics.bytes(), statistics.batches(),
				statistics.refused(), statistics.dropped(), statistics.stalls());
	}

}
