package dev.butler.protocol.fbdp;

/**
 * FBDP header flags, sent as a bit set in the header's flags byte. Messages carry their flags as
 * a plain {@code int} so the data path allocates nothing.
 */
public final class FbdpFlags {

	/** No flags. */
	public static final int NONE = 0;

	/** The sender asks the receiver to acknowledge the message. */
	public static final int ACK_REQ = 1;

	/** The message acknowledges a message that had {@link #ACK_REQ}. */
	public static final int ACK_REPLY = 2;

	/** All the flags FBDP defines; any other bit makes a message invalid. */
	public static final int ALL = ACK_REQ | ACK_REPLY;

	private FbdpFlags() {
	}

	/**
	 * Return whether the flags have {@link #ACK_REQ}.
	 * @param flags the flags
	 * @return whether an acknowledgement is requested
	 */
	public static boolean hasAckRequest(int flags) {
		return (flags & ACK_REQ) != 0;
	}

	/**
	 * Return whether the flags have {@link #ACK_REPLY}.
	 * @param flags the flags
	 * @return whether the message is an acknowledgement
	 */
	public static boolean hasAckReply(int flags) {
		return (flags & ACK_REPLY) != 0;
	}

	/**
	 * Return whether the flags have no bit FBDP does not define.
	 * @param flags the flags
	 * @return whether the flags are valid
	 */
	public static boolean isValid(int flags) {
		return (flags & ~ALL) == 0;
	}

}
