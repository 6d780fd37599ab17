package dev.butler.pipe;

import java.io.IOException;
import java.net.ServerSocket;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.butler.protocol.fbdp.FbdpCodec;
import dev.butler.protocol.fbdp.FbdpMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Raw ZeroMQ peers and ports for data pipe tests.
 */
public final class PipeTestSupport {

	private PipeTestSupport() {
	}

	public static String freeTcpAddress() {
		return "tcp://127.0.0.1:" + freePort();
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A DEALER connected to {@code address}, with a short handshake interval (JeroMQ sometimes
	 * stalls a fresh handshake) and a 5 s receive timeout.
	 */
	public static ZMQ.Socket client(ZContext zmq, String address) {
		ZMQ.Socket client = zmq.createSocket(SocketType.DEALER);
		client.setHandshakeIvl(500);
		client.setReceiveTimeOut(5000);
		client.setLinger(0);
		client.connect(address);
		return client;
	}

	/**
	 * Bind a raw ROUTER, a pipe server that answers only what a test makes it answer.
	 * @param zmq the context
	 * @param address the address to bind
	 * @return the socket
	 */
	public static ZMQ.Socket server(ZContext zmq, String address) {
		ZMQ.Socket server = zmq.createSocket(SocketType.ROUTER);
		server.setLinger(0);
		server.setReceiveTimeOut(5000);
		server.bind(address);
		return server;
	}

	public static void send(ZMQ.Socket socket, FbdpMessage message) {
		FbdpCodec.toZMsg(message).send(socket);
	}

	public static FbdpMessage receive(ZMQ.Socket socket) {
		ZMsg message = ZMsg.recvMsg(socket);
		assertThat(message).as("answer").isNotNull();
		return FbdpCodec.decode(message);
	}

}
