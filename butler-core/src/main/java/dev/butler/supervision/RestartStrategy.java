package dev.butler.supervision;

/**
 * Which services of a group a supervisor restarts when one of them is to be restarted, with the
 * names of Erlang/OTP's supervisor strategies.
 */
public enum RestartStrategy {

	/** Only the service that ended. */
	ONE_FOR_ONE,

	/** Every service of the group: the others are stopped first, last declared first. */
	ONE_FOR_ALL,

	/** The service that ended and those declared after it, which are stopped first, last first. */
	REST_FOR_ONE

}
