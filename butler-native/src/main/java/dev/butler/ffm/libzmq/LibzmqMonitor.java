package dev.butler.ffm.libzmq;

import org.jspecify.annotations.Nullable;

import dev.butler.zeromq.ZmqEvent;
import dev.butler.zeromq.ZmqMonitor;

/**
 * The connection events of a {@link LibzmqSocket}, read from the socket's monitor
 * ({@code zmq_socket_monitor}): two frames per event, the event's number and value, then the
 * endpoint.
 */
final class LibzmqMonitor implements ZmqMonitor {

	private final LibzmqSocket socket;

	LibzmqMonitor(LibzmqSocket socket) {
		this.socket = socket;
	}

	LibzmqSocket socket() {
		return this.socket;
	}

	@Override
	public @Nullable ZmqEvent receive(long timeoutMillis) {
		return this.socket.nextEvent(timeoutMillis);
	}

	@Override
	public void close() {
		this.socket.closeMonitor();
	}

}
