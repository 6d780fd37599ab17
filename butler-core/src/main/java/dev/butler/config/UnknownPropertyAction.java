package dev.butler.config;

/**
 * What to do with a property under {@code butler.services} that nothing reads, most likely a typo.
 */
public enum UnknownPropertyAction {

	/**
	 * Fail start-up, naming the property and the nearest known ones.
	 */
	FAIL,

	/**
	 * Log a warning naming the property and the nearest known ones, and go on.
	 */
	WARN

}
