package dev.butler.protocol.iccp;

/**
 * ICCP message types with their wire codes, sent as a 2-byte unsigned big-endian integer in
 * frame 0.
 */
public enum IccpMessageType {

	/** Component to controller: warm-up done, with the peer identity and bound endpoints. */
	READY(1),

	/** Controller to component: a request, answered with {@link #OK} or {@link #ERROR}. */
	REQUEST(2),

	/** Component to controller: the request succeeded. */
	OK(3),

	/** Component to controller: warm-up, a request or the run loop failed. */
	ERROR(4),

	/** Controller to component: stop and answer with {@link #FINISHED}. */
	STOP(5),

	/** Component to controller: the component ended, with its outcome and details. */
	FINISHED(6);

	private static final IccpMessageType[] BY_CODE = { null, READY, REQUEST, OK, ERROR, STOP, FINISHED };

	private final int code;

	IccpMessageType(int code) {
		this.code = code;
	}

	/**
	 * Return the wire code of this message type.
	 * @return the code, 1 to 6
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return the message type with the given wire code.
	 * @param code the wire code
	 * @return the message type
	 * @throws IccpProtocolException if no message type has that code
	 */
	public static IccpMessageType fromCode(int code) {
		if (code < 1 || code >= BY_CODE.length) {
			throw new IccpProtocolException(
					"Unknown ICCP message type " + code + ", expected 1 (READY) to 6 (FINISHED)");
		}
		return BY_CODE[code];
	}

}
