package dev.butler.protocol.fbdp;

/**
 * FBDP message types with their wire codes, sent in the upper five bits of the header's
 * control byte.
 */
public enum FbdpMessageType {

	/** Client to server: attach to a socket of a data pipe. */
	OPEN(1),

	/** Either way: flow control, the number of DATA messages the sender can take now. */
	READY(2),

	/** Either way: no operation, for keep-alive and ping. */
	NOOP(3),

	/** Producer to consumer: user data. */
	DATA(4),

	/** Either way: the sender closes the pipe, with an error code. */
	CLOSE(5);

	private static final FbdpMessageType[] BY_CODE = { null, OPEN, READY, NOOP, DATA, CLOSE };

	private final int code;

	FbdpMessageType(int code) {
		this.code = code;
	}

	/**
	 * Return the wire code of this message type.
	 * @return the code, 1 to 5
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return the message type with the given wire code.
	 * @param code the wire code
	 * @return the message type
	 * @throws FbdpProtocolException with {@link FbdpErrorCode#INVALID_MESSAGE} if no message
	 * type has that code
	 */
	public static FbdpMessageType fromCode(int code) {
		if (code < 1 || code >= BY_CODE.length) {
			throw new FbdpProtocolException(FbdpErrorCode.INVALID_MESSAGE,
					"Unknown FBDP message type " + code + ", expected 1 (OPEN) to 5 (CLOSE)");
		}
		return BY_CODE[code];
	}

}
