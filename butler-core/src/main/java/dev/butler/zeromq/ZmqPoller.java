package dev.butler.zeromq;

/**
 * Waits for sockets of one context to be ready, on the thread that owns them; {@link #wake()} may
 * be called from any thread.
 */
public interface ZmqPoller extends AutoCloseable {

	/** A message can be received. */
	int POLLIN = 1;

	/** A message can be sent. */
	int POLLOUT = 2;

	/**
	 * Poll a socket for the given events.
	 * @param socket the socket
	 * @param events {@link #POLLIN} and {@link #POLLOUT}, 0 for none for now
	 * @return the socket's item in this poller
	 */
	Item register(ZmqSocket socket, int events);

	/**
	 * Poll a monitor: its item is ready for {@link #POLLIN} while an event waits.
	 * @param monitor a monitor of a socket of this poller's context
	 * @return the monitor's item in this poller
	 */
	Item register(ZmqMonitor monitor);

	/**
	 * Wait until a registered socket is ready for what it is polled for, or {@link #wake()} is called.
	 * @param timeoutMillis the longest wait, 0 for none, -1 for no limit
	 * @return how many items are ready
	 */
	int poll(long timeoutMillis);

	/**
	 * Make the current or next {@link #poll} return at once. Thread-safe.
	 */
	void wake();

	@Override
	void close();

	/**
	 * A socket in a poller.
	 */
	interface Item {

		/**
		 * Change what the socket is polled for.
		 * @param events {@link #POLLIN} and {@link #POLLOUT}, 0 for none
		 */
		void setEvents(int events);

		/**
		 * Return the events the last {@link ZmqPoller#poll} found ready.
		 * @return the ready events
		 */
		int readyEvents();

		/**
		 * Stop polling the socket.
		 */
		void cancel();

	}

}
