package dev.butler.protocol.iccp;

/**
 * Thrown when frames do not form a valid ICCP message. The message says what was expected and
 * what arrived.
 */
public class IccpProtocolException extends RuntimeException {

	/**
	 * Create a new exception.
	 * @param message what was expected and what arrived
	 */
	public IccpProtocolException(String message) {
		super(message);
	}

	/**
	 * Create a new exception.
	 * @param message what was expected and what arrived
	 * @param cause the underlying failure, e.g. a protobuf parse error
	 */
	public IccpProtocolException(String message, Throwable cause) {
		super(message, cause);
	}

}
