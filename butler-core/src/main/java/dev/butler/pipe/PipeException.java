package dev.butler.pipe;

import dev.butler.protocol.fbdp.FbdpErrorCode;

/**
 * Thrown by a {@link PipeHandler} to close the pipe with a specific FBDP error code, e.g.
 * {@link FbdpErrorCode#DATA_FORMAT_NOT_SUPPORTED} for a format it cannot handle or
 * {@link FbdpErrorCode#INVALID_DATA} for data it cannot read.
 */
public class PipeException extends RuntimeException {

	private final FbdpErrorCode code;

	/**
	 * Create a new exception.
	 * @param code the code of the CLOSE message to send
	 * @param message the description sent in its ErrorDescription
	 */
	public PipeException(FbdpErrorCode code, String message) {
		super(message);
		this.code = code;
	}

	/**
	 * Return the code of the CLOSE message to send.
	 * @return the error code
	 */
	public FbdpErrorCode getCode() {
		return this.code;
	}

}
