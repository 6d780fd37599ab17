package dev.butler.pipe;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

import org.jspecify.annotations.Nullable;

/**
 * Counts the data messages of one session that the consumer rejected within a sliding period,
 * and says when there were too many. No thread and no clock: the caller gives the time.
 */
final class Rejections {

	private final int maxRejects;

	private final Duration within;

	private final Deque<Instant> times = new ArrayDeque<>();

	Rejections(int maxRejects, Duration within) {
		this.maxRejects = maxRejects;
		this.within = within;
	}

	/**
	 * Take note of a rejected message.
	 * @param now when it was rejected
	 * @param reason why
	 * @return the reason to cut the peer off with, or {@code null} to go on
	 */
	@Nullable String rejected(Instant now, String reason) {
		Instant start = now.minus(this.within);
		while (!this.times.isEmpty() && !this.times.getFirst().isAfter(start)) {
			this.times.removeFirst();
		}
		this.times.addLast(now);
		if (this.times.size() <= this.maxRejects) {
			return null;
		}
		return "the peer's data was rejected " + this.times.size() + " times within " + this.within.toSeconds()
				+ " s, more than max-rejects=" + this.maxRejects + "; last: " + reason;
	}

	/**
	 * Forget the rejections, for a new session.
	 */
	void clear() {
		this.times.clear();
	}

}
