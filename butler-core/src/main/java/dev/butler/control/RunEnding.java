package dev.butler.control;

import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;

/**
 * How one run of a service ended, as its supervisor sees it.
 */
public enum RunEnding {

	/** The service finished on its own with outcome OK, e.g. a batch stage that is done. */
	NORMAL(false),

	/** The service finished on its own with outcome ERROR, e.g. after its peer vanished. */
	ERROR(true),

	/** The service failed: its warm-up failed, or its loop or a handler threw. */
	CRASH(true),

	/** The service was asked to stop, by the application, an operator or a supervisor. */
	STOPPED(false);

	private final boolean abnormal;

	RunEnding(boolean abnormal) {
		this.abnormal = abnormal;
	}

	/**
	 * Whether this is an abnormal end, after which a transient
	 * service is restarted.
	 * @return {@code true} for {@link #ERROR} and {@link #CRASH}
	 */
	public boolean isAbnormal() {
		return this.abnormal;
	}

	/**
	 * Tell how a run that ended on its own ended, from its final state and outcome.
	 * @param state the final state, {@link State#FINISHED} or {@link State#ABORTED}
	 * @param outcome the outcome
	 * @return the ending
	 */
	public static RunEnding of(State state, Outcome outcome) {
		if (state == State.ABORTED) {
			return CRASH;
		}
		return (outcome == Outcome.OK) ? NORMAL : ERROR;
	}

}
