package dev.butler.supervision;

import dev.butler.control.RunEnding;

/**
 * When a supervisor restarts a service that ended, with the names of Erlang/OTP's child
 * specifications. No service is restarted after it was asked to stop.
 */
public enum RestartType {

	/** Always restarted, also after finishing with outcome OK. */
	PERMANENT,

	/** Restarted only after an abnormal end: outcome ERROR or a crash. */
	TRANSIENT,

	/** Never restarted. */
	TEMPORARY;

	/**
	 * Whether a service of this type is restarted after a run that ended so.
	 * @param ending how the run ended
	 * @return whether to restart it
	 */
	public boolean restartsAfter(RunEnding ending) {
		return switch (this) {
			case PERMANENT -> ending != RunEnding.STOPPED;
			case TRANSIENT -> ending.isAbnormal();
			case TEMPORARY -> false;
		};
	}

}
