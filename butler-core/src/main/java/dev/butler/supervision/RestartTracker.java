package dev.butler.supervision;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.DoubleSupplier;

import dev.butler.control.RunEnding;

/**
 * Decides, for one service, what follows each end of a run under a {@link RestartPolicy}: a restart
 * after a backoff delay, nothing, or giving up because the restart intensity was exceeded. Holds
 * no thread and reads no clock: the caller says when things happened, so that every decision can be
 * replayed. Not thread-safe; one supervisor drives it.
 */
public final class RestartTracker {

	private final RestartPolicy policy;

	private final DoubleSupplier random;

	/** When the restarts within the intensity period were decided, oldest first. */
	private final Deque<Instant> recentRestarts = new ArrayDeque<>();

	/** Restarts since the last reset of the backoff. */
	private int attempt;

	/**
	 * Create a tracker.
	 * @param policy the policy of the service
	 * @param random numbers from 0 (inclusive) to 1 (exclusive) for the random part of delays
	 */
	public RestartTracker(RestartPolicy policy, DoubleSupplier random) {
		this.policy = policy;
		this.random = random;
	}

	/**
	 * Create a tracker that only counts against an intensity: every end but a stop is restarted at
	 * once until the intensity would be exceeded, as for a group's restarts or a trigger's firings.
	 * @param intensity how many restarts are allowed in a period
	 * @param random numbers for the random part of delays, which are zero here
	 * @return the tracker
	 */
	public static RestartTracker counting(RestartIntensity intensity, DoubleSupplier random) {
		return new RestartTracker(new RestartPolicy(RestartType.PERMANENT, intensity, Backoff.NONE), random);
	}

	/**
	 * Decide what follows the end of a run.
	 * @param ending how the run ended
	 * @param upFor how long the run was up, from READY to its end; zero if it never was READY
	 * @param now when it ended
	 * @return the decision
	 */
	public Decision ended(RunEnding ending, Duration upFor, Instant now) {
		if (!this.policy.type().restartsAfter(ending)) {
			return new Decision.Stay(ending);
		}
		if (upFor.compareTo(this.policy.backoff().resetAfter()) >= 0) {
			this.attempt = 0;
		}
		Instant windowStart = now.minus(this.policy.intensity().within());
		while (!this.recentRestarts.isEmpty() && !this.recentRestarts.peekFirst().isAfter(windowStart)) {
			this.recentRestarts.removeFirst();
		}
		RestartIntensity intensity = this.policy.intensity();
		if (this.recentRestarts.size() >= intensity.maxRestarts()) {
			return new Decision.GiveUp(ending, "more than " + intensity.maxRestarts() + " restart"
					+ ((intensity.maxRestarts() != 1) ? "s" : "") + " within " + format(intensity.within()));
		}
		this.recentRestarts.addLast(now);
		Duration delay = this.policy.backoff().delay(this.attempt, this.random.getAsDouble());
		this.attempt++;
		return new Decision.Restart(ending, this.attempt, delay, now.plus(delay));
	}

	/**
	 * Forget the restarts and the backoff, e.g. when an operator starts the service again after its
	 * supervisor gave up.
	 */
	public void reset() {
		this.recentRestarts.clear();
		this.attempt = 0;
	}

	private static String format(Duration duration) {
		return duration.toString().substring(2).toLowerCase();
	}

	/**
	 * What follows the end of a run.
	 */
	public sealed interface Decision {

		/**
		 * Return how the run ended.
		 * @return the ending
		 */
		RunEnding ending();

		/**
		 * Restart the service after a delay.
		 *
		 * @param ending how the run ended
		 * @param attempt the restart's number since the last reset of the backoff, from 1
		 * @param delay the backoff delay
		 * @param at when to restart
		 */
		record Restart(RunEnding ending, int attempt, Duration delay, Instant at) implements Decision {

		}

		/**
		 * Leave the service as it is: its restart type does not restart it after this ending.
		 *
		 * @param ending how the run ended
		 */
		record Stay(RunEnding ending) implements Decision {

		}

		/**
		 * Give up on the service: restarting it would exceed the restart intensity.
		 *
		 * @param ending how the run ended
		 * @param reason which limit was reached
		 */
		record GiveUp(RunEnding ending, String reason) implements Decision {

		}

	}

}
