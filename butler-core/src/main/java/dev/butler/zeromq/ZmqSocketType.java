package dev.butler.zeromq;

/**
 * The ZeroMQ socket types the runtime uses, with libzmq's numbers.
 */
public enum ZmqSocketType {

	PAIR(0), PUB(1), SUB(2), REQ(3), REP(4), DEALER(5), ROUTER(6), PULL(7), PUSH(8), XPUB(9), XSUB(10);

	private final int code;

	ZmqSocketType(int code) {
		this.code = code;
	}

	/**
	 * Return libzmq's number of the type ({@code ZMQ_PAIR} is 0).
	 * @return the number
	 */
	public int code() {
		return this.code;
	}

}
