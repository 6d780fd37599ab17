package dev.butler.queue;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import org.jspecify.annotations.Nullable;

import dev.butler.service.ResourceSnapshot;

/**
 * A directory queue as one service uses it, at one moment. Listed as {@code queues} in
 * {@code /actuator/butler}, with the counts in line; its meters are {@code butler.queue.messages}
 * by {@code outcome}, {@code butler.queue.failures} and the gauge {@code butler.queue.backlog}.
 *
 * @param name what the service calls it, e.g. {@code queue-in}
 * @param directory the queue directory
 * @param next the queue messages are handed on to, {@code null} if none
 * @param consumer the service's subdirectory of {@code pending/}, {@code null} if it does not consume
 * @param state what the service is doing with it
 * @param watching whether arrivals are watched rather than polled
 * @param backlog messages waiting in {@code incoming/}, or -1 if they cannot be counted
 * @param counts the counters, over all runs of the service
 * @param lastError the last failed operation, {@code null} if none
 */
public record QueueSnapshot(String name, String directory, @Nullable String next, @Nullable String consumer,
		State state, boolean watching, long backlog,
		@JsonIgnoreProperties("claimed") @JsonUnwrapped QueueCounts counts,
		@Nullable String lastError) implements ResourceSnapshot {

	@Override
	public String kind() {
		return "queue";
	}

	@Override
	public List<Count> counters() {
		return this.counts.counters();
	}

	@Override
	public List<Level> gauges() {
		return List.of(new Level("backlog", (this.backlog >= 0) ? this.backlog : Double.NaN,
				"Messages waiting in the queue's incoming directory"));
	}

	/**
	 * What a service is doing with a queue.
	 */
	public enum State {

		/** Not opened yet, or closed. */
		CLOSED,

		/** Taking or writing messages. */
		ACTIVE,

		/** Waiting because the next queue holds its limit of messages. */
		PAUSED,

		/** Waiting after a failed operation, e.g. a full disk, before trying again. */
		STALLED

	}

}
