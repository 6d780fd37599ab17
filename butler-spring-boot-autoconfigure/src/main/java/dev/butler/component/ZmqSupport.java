package dev.butler.component;

import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Small JeroMQ helpers the runtime needs and JeroMQ lacks.
 */
public final class ZmqSupport {

	private ZmqSupport() {
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

}
