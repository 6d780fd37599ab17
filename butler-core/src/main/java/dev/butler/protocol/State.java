package dev.butler.protocol;

/**
 * State of a Butler component, as Saturnin names it. The numeric codes are those of
 * {@code firebird.butler.StateEnum} ({@link #STOPPED} shares 4 with SUSPENDED on the wire).
 */
public enum State {

	/** Not started, or state not known. */
	UNKNOWN(0),

	/** Warm-up finished, the component is about to serve. */
	READY(1),

	/** Serving: the run loop is active. */
	RUNNING(2),

	/** Waiting for a resource, e.g. for a peer to become ready. */
	WAITING(3),

	/** Temporarily not serving. */
	SUSPENDED(4),

	/** Ended normally after a stop request or on its own. */
	FINISHED(5),

	/** Ended by a failure in warm-up or in the run loop. */
	ABORTED(6),

	/** Stop requested; activities are being stopped and resources released. */
	STOPPED(4);

	private final int code;

	State(int code) {
		this.code = code;
	}

	/**
	 * Return the {@code StateEnum} code of this state.
	 * @return the numeric wire code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Whether the component has ended, normally or not.
	 * @return {@code true} for {@link #FINISHED} and {@link #ABORTED}
	 */
	public boolean isTerminal() {
		return this == FINISHED || this == ABORTED;
	}

}
