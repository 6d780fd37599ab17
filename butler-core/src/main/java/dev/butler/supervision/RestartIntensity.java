package dev.butler.supervision;

import java.time.Duration;

/**
 * How many restarts a supervisor makes in a period before it gives up, as Erlang/OTP's
 * {@code intensity} and {@code period}: a restart that would be the {@code maxRestarts + 1}-th within
 * {@code within} is not made.
 *
 * @param maxRestarts restarts allowed within the period; 0 gives up at the first end
 * @param within the sliding period
 */
public record RestartIntensity(int maxRestarts, Duration within) {

	/** 5 restarts within 60 s. */
	public static final RestartIntensity DEFAULT = new RestartIntensity(5, Duration.ofSeconds(60));

	public RestartIntensity {
		if (maxRestarts < 0) {
			throw new IllegalArgumentException("The number of restarts must not be negative, was " + maxRestarts);
		}
		if (within.isNegative() || within.isZero()) {
			throw new IllegalArgumentException("The restart period must be positive, was " + within);
		}
	}

}
