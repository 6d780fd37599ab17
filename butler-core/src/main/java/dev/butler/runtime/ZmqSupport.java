package dev.butler.runtime;

import java.time.Duration;

import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqError;
import dev.butler.zeromq.ZmqException;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * Small ZeroMQ helpers the runtime needs and the engines leave to it.
 */
public final class ZmqSupport {

	/** How long {@link #bind} keeps trying an address that is in use. */
	static final Duration BIND_PATIENCE = Duration.ofSeconds(1);

	/**
	 * Default largest frame a socket accepts from a peer: 64 MB. ZeroMQ's own default is no limit,
	 * and JeroMQ allocates a frame's whole size as soon as the peer announces it, so any peer that
	 * can connect could make the application allocate up to 2 GB with a 9-byte header. 64 MB is far
	 * above what Butler protocols carry (ICCP and FBDP control frames are bytes to kilobytes; a
	 * Saturnin text reader sends DATA of 64 K characters) and still leaves room for large binary
	 * blocks.
	 */
	public static final long DEFAULT_MAX_MESSAGE_SIZE = 64L * 1024 * 1024;

	private ZmqSupport() {
	}

	/**
	 * Bind a socket, retrying for a short while if the address is in use. JeroMQ closes sockets
	 * asynchronously, so a socket closed just before may hold its tcp port for a few more
	 * milliseconds: without retrying, restarting a service or a foreign component on a fixed port
	 * fails at random with "Address already in use".
	 * @param socket the socket
	 * @param address the address to bind
	 * @throws ZmqException if the socket cannot bind, e.g. the address is still in use after
	 * {@link #BIND_PATIENCE}; its message says why, e.g. "Address already in use"
	 */
	public static void bind(ZmqSocket socket, String address) {
		long deadline = System.nanoTime() + BIND_PATIENCE.toNanos();
		while (true) {
			try {
				socket.bind(address);
				return;
			}
			catch (ZmqException ex) {
				if (ex.error() != ZmqError.ADDRESS_IN_USE || System.nanoTime() - deadline >= 0) {
					throw ex;
				}
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	/**
	 * Create a socket, explaining the failure when the context holds as many sockets as it may
	 * ({@code butler.zmq.max-sockets}).
	 * @param zmq the context
	 * @param type the socket type
	 * @return the socket
	 * @throws ZmqException if the context holds its maximum of sockets, saying so and naming the
	 * property that raises it
	 */
	public static ZmqSocket createSocket(ZmqContext zmq, ZmqSocketType type) {
		try {
			return zmq.socket(type);
		}
		catch (ZmqException ex) {
			if (ex.error() != ZmqError.TOO_MANY_SOCKETS) {
				throw ex;
			}
			throw new ZmqException(ex.error(), "The ZeroMQ context holds its maximum of " + zmq.maxSockets()
					+ " sockets and cannot create another " + type + " socket; each running service takes two "
					+ "or more: raise butler.zmq.max-sockets (and the open-file limit, as each socket holds file "
					+ "descriptors)", ex);
		}
	}

	/**
	 * Limit the size of each frame (message part) the socket accepts from a peer. ZeroMQ enforces
	 * it on tcp:// and ipc:// connections, not inproc://, by dropping the connection of a peer that
	 * announces a larger frame: the frame is never received and, on a connecting socket, the
	 * connection is not re-established. JeroMQ reports that drop as a plain disconnect.
	 * @param socket the socket, before it binds or connects
	 * @param maxMessageSize the largest frame in bytes; zero or less for no limit
	 */
	public static void limitMessageSize(ZmqSocket socket, long maxMessageSize) {
		socket.setMaxMessageSize((maxMessageSize > 0) ? maxMessageSize : -1);
	}

	/**
	 * Describe a maximum message size for messages, e.g. {@code 64 MB}, or {@code unlimited}.
	 * @param maxMessageSize the size in bytes; zero or less for no limit
	 * @return the description
	 */
	public static String describeSize(long maxMessageSize) {
		if (maxMessageSize <= 0) {
			return "unlimited";
		}
		long kb = 1024;
		long mb = kb * 1024;
		if (maxMessageSize % mb == 0) {
			return (maxMessageSize / mb) + " MB";
		}
		if (maxMessageSize % kb == 0) {
			return (maxMessageSize / kb) + " KB";
		}
		return maxMessageSize + " bytes";
	}

}
