package dev.butler.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Tcp loopback addresses for tests.
 */
final class TcpAddresses {

	private TcpAddresses() {
	}

	/**
	 * Return a tcp loopback address on a port that is free right now.
	 * @return the address, e.g. {@code tcp://127.0.0.1:41234}
	 */
	static String freeLoopbackAddress() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return "tcp://127.0.0.1:" + socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
