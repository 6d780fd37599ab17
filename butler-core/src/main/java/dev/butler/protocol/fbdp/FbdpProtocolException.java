package dev.butler.protocol.fbdp;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when frames do not form a valid FBDP message. The message says what was expected and
 * what arrived; the {@link #getErrorCode() error code} is the one the receiver should answer
 * with in a CLOSE message.
 */
public class FbdpProtocolException extends RuntimeException {

	private final FbdpErrorCode errorCode;

	/**
	 * Create a new exception.
	 * @param errorCode the error code to close the pipe with
	 * @param message what was expected and what arrived
	 */
	public FbdpProtocolException(FbdpErrorCode errorCode, String message) {
		this(errorCode, message, null);
	}

	/**
	 * Create a new exception.
	 * @param errorCode the error code to close the pipe with
	 * @param message what was expected and what arrived
	 * @param cause the underlying failure, e.g. a protobuf parse error, {@code null} for none
	 */
	public FbdpProtocolException(FbdpErrorCode errorCode, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.errorCode = Objects.requireNonNull(errorCode, "'errorCode' must not be null");
	}

	/**
	 * Return the error code the receiver should answer with in a CLOSE message.
	 * @return the error code
	 */
	public FbdpErrorCode getErrorCode() {
		return this.errorCode;
	}

}
