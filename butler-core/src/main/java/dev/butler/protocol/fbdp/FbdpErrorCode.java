package dev.butler.protocol.fbdp;

import java.util.Optional;

/**
 * FBDP error codes with their wire codes, sent as the {@code type_data} of a CLOSE message.
 */
public enum FbdpErrorCode {

	/** No error: the pipe closes normally, e.g. at the end of data. */
	OK(0),

	/** A message could not be decoded. */
	INVALID_MESSAGE(1),

	/** A valid message arrived when the protocol does not allow it. */
	PROTOCOL_VIOLATION(2),

	/** A general error. */
	ERROR(3),

	/** An internal error of the sender. */
	INTERNAL_ERROR(4),

	/** The user data could not be processed. */
	INVALID_DATA(5),

	/** An operation timed out. */
	TIMEOUT(6),

	/** The pipe or the pipe socket named in OPEN is not available. */
	PIPE_ENDPOINT_UNAVAILABLE(100),

	/** The FBDP version in the header is not supported. */
	FBDP_VERSION_NOT_SUPPORTED(101),

	/** The requested feature is not implemented. */
	NOT_IMPLEMENTED(102),

	/** The data format named in OPEN is not supported. */
	DATA_FORMAT_NOT_SUPPORTED(103);

	private final int code;

	FbdpErrorCode(int code) {
		this.code = code;
	}

	/**
	 * Return the wire code of this error code.
	 * @return the code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return the error code with the given wire code. A peer may send codes that FBDP does not
	 * define, so an unknown code is not an error.
	 * @param code the wire code
	 * @return the error code, or empty if FBDP defines none with that code
	 */
	public static Optional<FbdpErrorCode> fromCode(int code) {
		for (FbdpErrorCode candidate : values()) {
			if (candidate.code == code) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

}
