package dev.butler.supervision;

import java.time.Duration;

/**
 * Delays between the restarts of a service that keeps ending: exponential from {@code min} to
 * {@code max}, each stretched by a random part of up to {@code randomFactor} so that services that
 * failed together do not come back together, as Pekko's {@code BackoffSupervisor} does. A service
 * that stayed up for {@code resetAfter} starts again from {@code min}. With {@code min} equal to
 * {@code max} and no random factor, this is a fixed minimum interval, like Go srv's
 * {@code Daemon(minInterval)}.
 *
 * @param min delay before the first restart
 * @param max longest delay before the random part, reached by doubling
 * @param randomFactor largest part of a delay added at random, e.g. 0.2 for up to 20 %
 * @param resetAfter how long a run must last for the next delay to be {@code min} again
 */
public record Backoff(Duration min, Duration max, double randomFactor, Duration resetAfter) {

	/** 100 ms doubling to 30 s, up to 20 % random, reset after 60 s up. */
	public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), 0.2,
			Duration.ofSeconds(60));

	/** No delay: for what restarts at once, e.g. a group's members after their own delays. */
	public static final Backoff NONE = new Backoff(Duration.ZERO, Duration.ZERO, 0, Duration.ZERO);

	public Backoff {
		if (min.isNegative()) {
			throw new IllegalArgumentException("The minimum backoff must not be negative, was " + min);
		}
		if (max.compareTo(min) < 0) {
			throw new IllegalArgumentException("The maximum backoff " + max + " is below the minimum " + min);
		}
		if (!(randomFactor >= 0 && randomFactor <= 1)) {
			throw new IllegalArgumentException("The random factor must be from 0 to 1, was " + randomFactor);
		}
		if (resetAfter.isNegative()) {
			throw new IllegalArgumentException("The reset period must not be negative, was " + resetAfter);
		}
	}

	/**
	 * Return the delay before a restart.
	 * @param attempt how many restarts came before this one since the last reset, from 0
	 * @param random a number from 0 (inclusive) to 1 (exclusive) that picks the random part
	 * @return the delay: {@code min(max, min × 2^attempt) × (1 + random × randomFactor)}
	 */
	public Duration delay(int attempt, double random) {
		long minNanos = this.min.toNanos();
		long maxNanos = this.max.toNanos();
		long base = (attempt >= 62 || minNanos > (maxNanos >> Math.min(attempt, 62))) ? maxNanos
				: Math.min(maxNanos, minNanos << attempt);
		return Duration.ofNanos(Math.round(base * (1 + random * this.randomFactor)));
	}

}
