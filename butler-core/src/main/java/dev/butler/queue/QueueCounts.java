package dev.butler.queue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import dev.butler.service.ResourceSnapshot.Count;

/**
 * Counters of a queue consumer or producer at one moment.
 *
 * @param enqueued messages written into the queue
 * @param claimed messages taken from {@code incoming/}
 * @param skipped messages another consumer claimed first
 * @param processed messages given to a handler, retries included
 * @param committed messages done with and deleted
 * @param handedOn messages moved on to the next queue
 * @param banished messages moved to {@code errors/}
 * @param released messages put back into {@code incoming/} by a consumer that stopped or failed to
 * dispose of them
 * @param recovered messages put back into {@code incoming/} that a consumer left behind in
 * {@code pending/} when its process ended
 * @param failures operations on the queue that failed, e.g. for a full disk
 */
@JsonPropertyOrder({ "enqueued", "processed", "committed", "handedOn", "banished", "skipped", "released", "recovered",
		"failures" })
public record QueueCounts(long enqueued, long claimed, long skipped, long processed, long committed, long handedOn,
		long banished, long released, long recovered, long failures) {

	private static final String MESSAGES = "Messages of the directory queue by what happened to them, over all runs of "
			+ "the service";

	/**
	 * Return these counts for the meters {@code butler.queue.messages} by {@code outcome} and
	 * {@code butler.queue.failures}.
	 * @return the counts
	 */
	public List<Count> counters() {
		return List.of(messages("enqueued", this.enqueued), messages("claimed", this.claimed),
				messages("skipped", this.skipped), messages("processed", this.processed),
				messages("committed", this.committed), messages("handed-on", this.handedOn),
				messages("banished", this.banished), messages("released", this.released),
				messages("recovered", this.recovered), new Count("failures", Map.of(), this.failures, false, null,
						"Failed operations on the directory queue, e.g. for a full disk"));
	}

	private static Count messages(String outcome, long value) {
		return new Count("messages", Map.of("outcome", outcome), value, false, null, MESSAGES);
	}

}
