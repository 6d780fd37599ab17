package dev.butler.protocol.fbdp;

/**
 * The socket of a data pipe a client attaches to, with its wire code as sent in the
 * {@code pipe_socket} field of OPEN.
 */
public enum PipeSocket {

	/** The socket data flows into the pipe through: a producer attaches here. */
	INPUT(1),

	/** The socket data flows out of the pipe through: a consumer attaches here. */
	OUTPUT(2);

	private final int code;

	PipeSocket(int code) {
		this.code = code;
	}

	/**
	 * Return the wire code of this pipe socket.
	 * @return the code, 1 or 2
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return the pipe socket with the given wire code.
	 * @param code the wire code, an unsigned 32-bit integer
	 * @return the pipe socket
	 * @throws FbdpProtocolException with {@link FbdpErrorCode#INVALID_MESSAGE} if no pipe socket
	 * has that code
	 */
	public static PipeSocket fromCode(int code) {
		if (code == INPUT.code) {
			return INPUT;
		}
		if (code == OUTPUT.code) {
			return OUTPUT;
		}
		throw new FbdpProtocolException(FbdpErrorCode.INVALID_MESSAGE,
				"Unknown FBDP pipe socket " + Integer.toUnsignedString(code) + ", expected 1 (INPUT) or 2 (OUTPUT)");
	}

}
