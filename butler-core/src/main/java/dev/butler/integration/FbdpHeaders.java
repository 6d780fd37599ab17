package dev.butler.integration;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;

import dev.butler.protocol.fbdp.FbdpErrorCode;

/**
 * Message headers of the FBDP channel adapters.
 * <p>
 * A message that carries {@link #CLOSE_CODE} is an <em>end-of-stream</em> message: the inbound
 * adapter sends one when its pipe closes, and the outbound adapter closes its pipe with that code
 * when it takes one, instead of sending its payload as DATA.
 */
public final class FbdpHeaders {

	/** Prefix of the headers of the FBDP adapters. */
	public static final String PREFIX = "fbdp_";

	/** Name of the data pipe the message came from ({@code pipe} option). */
	public static final String PIPE = PREFIX + "pipe";

	/** Data format of the pipe session, a MIME type such as {@code text/plain;charset=utf-8}. */
	public static final String DATA_FORMAT = PREFIX + "dataFormat";

	/**
	 * How the stream ended, on end-of-stream messages only: an {@link FbdpErrorCode}. The outbound
	 * adapter also accepts the code's name or its wire code.
	 */
	public static final String CLOSE_CODE = PREFIX + "closeCode";

	/** Why the stream ended, on end-of-stream messages that have a reason, as text. */
	public static final String CLOSE_REASON = PREFIX + "closeReason";

	private FbdpHeaders() {
	}

	/**
	 * Whether the message marks the end of a stream, i.e. carries a {@link #CLOSE_CODE} that is not
	 * {@code null}.
	 * @param message the message
	 * @return {@code true} for an end-of-stream message
	 */
	public static boolean isEndOfStream(Message<?> message) {
		return message.getHeaders().get(CLOSE_CODE) != null;
	}

	/**
	 * Return the close code of an end-of-stream message.
	 * @param message the message
	 * @return the code, {@code null} if the message does not end a stream
	 * @throws IllegalArgumentException if the header holds no known code
	 */
	public static @Nullable FbdpErrorCode closeCode(Message<?> message) {
		Object value = message.getHeaders().get(CLOSE_CODE);
		if (value == null || value instanceof FbdpErrorCode) {
			return (FbdpErrorCode) value;
		}
		if (value instanceof Number number) {
			return FbdpErrorCode.fromCode(number.intValue())
				.orElseThrow(() -> new IllegalArgumentException(
						"Header '" + CLOSE_CODE + "' holds " + number + ", which is no FBDP error code"));
		}
		try {
			return FbdpErrorCode.valueOf(value.toString().trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Header '" + CLOSE_CODE + "' holds '" + value
					+ "'; expected an FbdpErrorCode, its name or its wire code", ex);
		}
	}

}
