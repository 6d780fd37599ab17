package dev.butler.zeromq;

import org.jspecify.annotations.Nullable;

/**
 * A ZeroMQ operation failed, for a reason other than that it would block. Its message says what
 * failed and why ({@code Cannot bind to tcp://…: Address already in use}); {@link #reason()} is the
 * why alone.
 */
public class ZmqException extends RuntimeException {

	private final ZmqError error;

	private final String reason;

	public ZmqException(ZmqError error, String message) {
		super(message);
		this.error = error;
		this.reason = message;
	}

	public ZmqException(ZmqError error, String message, Throwable cause) {
		super(message, cause);
		this.error = error;
		this.reason = message;
	}

	/**
	 * Create an exception whose message is {@code what: reason}.
	 * @param error what the failure means
	 * @param what what failed, e.g. {@code Cannot bind to tcp://127.0.0.1:5000}
	 * @param reason why, e.g. {@code Address already in use}
	 * @param cause the engine's own exception, if any
	 */
	public ZmqException(ZmqError error, String what, String reason, @Nullable Throwable cause) {
		super(what + ": " + reason, cause);
		this.error = error;
		this.reason = reason;
	}

	/**
	 * Return what the failure means.
	 * @return the error
	 */
	public ZmqError error() {
		return this.error;
	}

	/**
	 * Return why the operation failed, without what failed.
	 * @return the reason, the whole message if the exception was not given one apart
	 */
	public String reason() {
		return this.reason;
	}

}
