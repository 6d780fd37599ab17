package dev.butler.protocol;

/**
 * Outcome of a component's run, carried as ASCII text in an ICCP FINISHED message.
 */
public enum Outcome {

	/** Not known yet: the component has not finished. */
	UNKNOWN,

	/** Finished without error. */
	OK,

	/** Finished because of an error. */
	ERROR

}
