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

	/**
	 * Return the text of a failure to pass on: its message, or its type when it has none.
	 * @param failure the failure
	 * @return the text
	 */
	static String messageOf(Throwable failure) {
		String message = failure.getMessage();
		return (message != null) ? message : failure.getClass().getName();
	}

}
