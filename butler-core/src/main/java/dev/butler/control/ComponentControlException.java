package dev.butler.control;

/**
 * Thrown when a component cannot be controlled: it failed to warm up, did not answer in time, or
 * broke the ICCP protocol.
 */
public class ComponentControlException extends RuntimeException {

	/**
	 * Create a new exception.
	 * @param message the message
	 */
	public ComponentControlException(String message) {
		super(message);
	}

	/**
	 * Create a new exception with a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public ComponentControlException(String message, Throwable cause) {
		super(message, cause);
	}

}
