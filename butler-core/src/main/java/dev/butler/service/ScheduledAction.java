package dev.butler.service;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An action scheduled on a service's run loop.
 */
public interface ScheduledAction {

	/**
	 * Return the action name, as shown in {@code /actuator/butler} and in metrics.
	 * @return the action name
	 */
	String name();

	/**
	 * Return how the action repeats.
	 * @return the kind of schedule
	 */
	Kind kind();

	/**
	 * Return the delay of a one-shot action or the period of a repeating one.
	 * @return the interval
	 */
	Duration interval();

	/**
	 * Return when the action runs next, or {@code null} if it will not run again.
	 * @return the next run time
	 */
	@Nullable Instant nextRun();

	/**
	 * Return how many times the action has run.
	 * @return the number of runs
	 */
	long runs();

	/**
	 * Cancel the action: it will not run again.
	 */
	void cancel();

	/**
	 * Whether the action was cancelled or, for a one-shot action, has run.
	 * @return {@code true} if done
	 */
	boolean isDone();

	/**
	 * How a scheduled action repeats.
	 */
	enum Kind {

		/** Runs once after a delay. */
		ONCE,

		/** Runs at a fixed rate, measured between start times. */
		FIXED_RATE,

		/** Runs with a fixed delay between the end of one run and the start of the next. */
		FIXED_DELAY

	}

}
