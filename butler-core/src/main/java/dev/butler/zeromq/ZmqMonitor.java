package dev.butler.zeromq;

import org.jspecify.annotations.Nullable;

/**
 * The connection events of a socket ({@link ZmqSocket#monitor}), read by the thread that owns it.
 */
public interface ZmqMonitor extends AutoCloseable {

	/**
	 * Return the next event.
	 * @param timeoutMillis how long to wait for one, 0 for not at all, -1 for no limit
	 * @return the event, {@code null} if none came
	 */
	@Nullable ZmqEvent receive(long timeoutMillis);

	/**
	 * Stop monitoring and close the monitor's socket.
	 */
	@Override
	void close();

}
