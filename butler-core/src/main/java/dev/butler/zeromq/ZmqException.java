package dev.butler.zeromq;

/**
 * A ZeroMQ operation failed, for a reason other than that it would block.
 */
public class ZmqException extends RuntimeException {

	private final ZmqError error;

	public ZmqException(ZmqError error, String message) {
		super(message);
		this.error = error;
	}

	public ZmqException(ZmqError error, String message, Throwable cause) {
		super(message, cause);
		this.error = error;
	}

	/**
	 * Return what the failure means.
	 * @return the error
	 */
	public ZmqError error() {
		return this.error;
	}

}
