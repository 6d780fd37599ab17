package dev.butler.zeromq;

/**
 * A ZeroMQ context: its I/O threads and the sockets made from it. Thread-safe; its sockets and
 * pollers are not, each belongs to the thread that uses it. Closing the context closes the sockets
 * still open, with their linger.
 */
public interface ZmqContext extends AutoCloseable {

	/**
	 * Create a socket of this context.
	 * @param type the socket type
	 * @return the socket, with a linger of 0 until set otherwise
	 */
	ZmqSocket socket(ZmqSocketType type);

	/**
	 * Create a poller for sockets of this context, used by one thread.
	 * @return a new poller
	 */
	ZmqPoller poller();

	/**
	 * Set the most sockets the context may have open at once.
	 * @param maxSockets the limit
	 */
	void setMaxSockets(int maxSockets);

	/**
	 * Return the most sockets the context may have open at once.
	 * @return the limit
	 */
	int maxSockets();

	/**
	 * Return the engine of this context.
	 * @return the engine
	 */
	ZmqEngine engine();

	/**
	 * Close the sockets still open and end the I/O threads.
	 */
	@Override
	void close();

}
