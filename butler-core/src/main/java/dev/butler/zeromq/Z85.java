package dev.butler.zeromq;

import org.zeromq.ZMQ;

/**
 * ZeroMQ's Z85 text encoding of binary keys (RFC 32), as CURVE keys are written in configuration.
 */
public final class Z85 {

	/** The length of a CURVE key in bytes. */
	public static final int KEY_SIZE = 32;

	private Z85() {
	}

	/**
	 * Encode bytes, a multiple of 4 of them, as Z85 text.
	 * @param data the bytes
	 * @return the text, 5 characters for every 4 bytes
	 */
	public static String encode(byte[] data) {
		return ZMQ.Curve.z85Encode(data);
	}

	/**
	 * Decode Z85 text, a multiple of 5 characters.
	 * @param text the text
	 * @return the bytes, 4 for every 5 characters
	 */
	public static byte[] decode(String text) {
		return ZMQ.Curve.z85Decode(text);
	}

}
