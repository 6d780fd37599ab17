package dev.butler.standard.command;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A command for {@link CommandServiceTests}, run in a JVM of its own: after a delay, accepts TCP
 * connections on a port of 127.0.0.1 until it is killed.
 */
public final class PortListener {

	private PortListener() {
	}

	/**
	 * Listen.
	 * @param args the port and the delay in milliseconds
	 * @throws IOException if the port cannot be bound
	 * @throws InterruptedException never
	 */
	public static void main(String[] args) throws IOException, InterruptedException {
		int port = Integer.parseInt(args[0]);
		Thread.sleep(Long.parseLong(args[1]));
		try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
			System.out.println("listening on " + port);
			while (true) {
				server.accept().close();
			}
		}
	}

}
