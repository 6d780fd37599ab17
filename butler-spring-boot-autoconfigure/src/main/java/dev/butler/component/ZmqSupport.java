package dev.butler.component;

import java.time.Duration;

import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import org.zeromq.ZMsg;

/**
 * Small JeroMQ helpers the runtime needs and JeroMQ lacks.
 */
public final class ZmqSupport {

	/** How long {@link #bind} keeps trying an address that is in use. */
	static final Duration BIND_PATIENCE = Duration.ofSeconds(1);

	private ZmqSupport() {
	}

	/**
	 * Bind a socket, retrying for a short while if the address is in use. JeroMQ closes sockets
	 * asynchronously, so a socket closed just before may hold its tcp port for a few more
	 * milliseconds: without retrying, restarting a service or a foreign component on a fixed port
	 * fails at random with "Address already in use".
	 * @param socket the socket
	 * @param address the address to bind
	 * @throws ZMQException if the socket cannot bind, e.g. the address is still in use after
	 * {@link #BIND_PATIENCE}; its message is the reason, e.g. "Address already in use"
	 */
	public static void bind(ZMQ.Socket socket, String address) {
		long deadline = System.nanoTime() + BIND_PATIENCE.toNanos();
		while (true) {
			try {
				socket.bind(address);
				return;
			}
			catch (ZMQException ex) {
				if (ex.getErrorCode() != ZMQ.Error.EADDRINUSE.getCode() || System.nanoTime() - deadline >= 0) {
					throw explained(ex);
				}
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw explained(ex);
				}
			}
		}
	}

	/**
	 * JeroMQ's message is only "Errno 48": put the reason in the message, where callers look.
	 */
	private static ZMQException explained(ZMQException ex) {
		try {
			return new ZMQException(ZMQ.Error.findByCode(ex.getErrorCode()).getMessage(), ex.getErrorCode(), ex);
		}
		catch (IllegalArgumentException unknownCode) {
			return ex;
		}
	}

	/**
	 * Send a multipart message only if the socket can take it now. A multipart message is atomic: once
	 * its first frame is accepted, the rest is too.
	 * @param socket the socket
	 * @param message the message; destroyed when sent
	 * @return {@code true} if sent
	 */
	public static boolean sendNow(ZMQ.Socket socket, ZMsg message) {
		int size = message.size();
		int index = 0;
		for (ZFrame frame : message) {
			index++;
			int flags = ZMQ.DONTWAIT | ((index < size) ? ZMQ.SNDMORE : 0);
			if (!socket.send(frame.getData(), flags)) {
				if (index == 1) {
					return false;
				}
				throw new IllegalStateException("Socket refused frame " + index + " of a multipart message");
			}
		}
		message.destroy();
		return true;
	}

	/**
	 * Send a multipart message of the given frames only if the socket can take it now.
	 * @param socket the socket
	 * @param frames the frames, in order
	 * @return {@code true} if sent
	 */
	public static boolean sendNow(ZMQ.Socket socket, byte[]... frames) {
		int last = frames.length - 1;
		for (int i = 0; i <= last; i++) {
			int flags = ZMQ.DONTWAIT | ((i < last) ? ZMQ.SNDMORE : 0);
			if (!socket.send(frames[i], flags)) {
				if (i == 0) {
					return false;
				}
				throw new IllegalStateException("Socket refused frame " + (i + 1) + " of a multipart message");
			}
		}
		return true;
	}

}
