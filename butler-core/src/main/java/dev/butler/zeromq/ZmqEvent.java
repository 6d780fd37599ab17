package dev.butler.zeromq;

/**
 * A connection event of a socket.
 * @param type what happened
 * @param address the endpoint it happened on
 * @param value the event's value: a file descriptor, an error number or an interval
 */
public record ZmqEvent(Type type, String address, long value) {

	/**
	 * The kinds of events, with libzmq's bits.
	 */
	public enum Type {

		CONNECTED(0x0001), CONNECT_DELAYED(0x0002), CONNECT_RETRIED(0x0004), LISTENING(0x0008), BIND_FAILED(0x0010),
		ACCEPTED(0x0020), ACCEPT_FAILED(0x0040), CLOSED(0x0080), CLOSE_FAILED(0x0100), DISCONNECTED(0x0200),
		MONITOR_STOPPED(0x0400), HANDSHAKE_FAILED_NO_DETAIL(0x0800), HANDSHAKE_SUCCEEDED(0x1000),
		HANDSHAKE_FAILED_PROTOCOL(0x2000), HANDSHAKE_FAILED_AUTH(0x4000);

		/** Every event. */
		public static final int ALL = 0xFFFF;

		private final int bit;

		Type(int bit) {
			this.bit = bit;
		}

		/**
		 * Return libzmq's bit of the event.
		 * @return the bit
		 */
		public int bit() {
			return this.bit;
		}

		/**
		 * Return the event of a bit.
		 * @param bit libzmq's bit
		 * @return the event, {@code null} for an unknown bit
		 */
		public static @org.jspecify.annotations.Nullable Type of(int bit) {
			for (Type type : values()) {
				if (type.bit == bit) {
					return type;
				}
			}
			return null;
		}

	}

}
