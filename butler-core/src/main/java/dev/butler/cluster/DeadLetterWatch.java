package dev.butler.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

import org.jspecify.annotations.Nullable;

/**
 * Watches how fast a group banishes messages (its dead letters, the {@code errors/} of directory
 * queues): more than {@code maxGrowth} within {@code within} raises an alarm, once, and again only
 * after the growth fell back to the limit. A total that falls (an instance restarted and counts
 * from zero) starts the window afresh. The growth is counted from the oldest reading within the
 * period. No thread and no clock: the caller asks with each reading
 * and its time.
 */
public final class DeadLetterWatch {

	private final long maxGrowth;

	private final Duration within;

	private final Deque<Reading> readings = new ArrayDeque<>();

	private boolean alarmed;

	/**
	 * Create a watch.
	 * @param maxGrowth the most messages that may be banished within the period
	 * @param within the period
	 */
	public DeadLetterWatch(long maxGrowth, Duration within) {
		if (maxGrowth < 0 || within.isNegative() || within.isZero()) {
			throw new IllegalArgumentException("The growth must be 0 or more and the period positive, was " + maxGrowth
					+ " within " + within);
		}
		this.maxGrowth = maxGrowth;
		this.within = within;
	}

	/**
	 * Take a reading of the banished messages of the whole group.
	 * @param now when it was taken
	 * @param total how many messages the group banished in all
	 * @return the alarm's reason if one is raised now, else {@code null}
	 */
	public synchronized @Nullable String check(Instant now, long total) {
		Reading last = this.readings.peekLast();
		if (last != null && total < last.total()) {
			this.readings.clear();
		}
		this.readings.addLast(new Reading(now, total));
		Instant start = now.minus(this.within);
		while (this.readings.size() > 1 && this.readings.getFirst().at().isBefore(start)) {
			this.readings.removeFirst();
		}
		Reading first = this.readings.getFirst();
		long growth = total - first.total();
		if (growth > this.maxGrowth) {
			if (!this.alarmed) {
				this.alarmed = true;
				return growth + " messages banished within " + Duration.between(first.at(), now).toSeconds()
						+ " s, more than " + this.maxGrowth + " within " + this.within.toSeconds() + " s";
			}
			return null;
		}
		this.alarmed = false;
		return null;
	}

	private record Reading(Instant at, long total) {
	}

}
