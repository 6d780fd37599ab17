package dev.butler.pipe;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.butler.protocol.ZmqFrames;
import dev.butler.control.ButlerComponent;
import dev.butler.protocol.fbdp.FbdpCodec;
import dev.butler.protocol.fbdp.FbdpMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Raw ZeroMQ peers and ports for data pipe tests.
 */
public final class PipeTestSupport {

	private PipeTestSupport() {
	}

	/**
	 * Return the data pipes of a component's current run, as {@code /actuator/butler} lists them.
	 */
	public static List<PipeSnapshot> pipes(ButlerComponent component) {
		return component.resources()
			.stream()
			.filter(PipeSnapshot.class::isInstance)
			.map(PipeSnapshot.class::cast)
			.toList();
	}

	/**
	 * Return the counters of a component's data pipes summed over all its runs, by pipe name, as the
	 * meters read them.
	 */
	public static Map<String, PipeCounts> pipeTotals(ButlerComponent component) {
		Map<String, Map<String, Long>> byPipe = new LinkedHashMap<>();
		component.resourceCounts()
			.stream()
			.filter((total) -> total.kind().equals("pipe"))
			.forEach((total) -> byPipe.computeIfAbsent(total.resource(), (name) -> new LinkedHashMap<>())
				.put(total.count().name(), total.count().value()));
		Map<String, PipeCounts> totals = new LinkedHashMap<>();
		byPipe.forEach((name, counts) -> totals.put(name, new PipeCounts(counts.get("messages"), counts.get("bytes"),
				counts.get("batches"), counts.get("refused"), counts.get("dropped"), counts.get("stalls"))));
		return totals;
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
		ZmqFrames.toZMsg(FbdpCodec.encode(message)).send(socket);
	}

	public static FbdpMessage receive(ZMQ.Socket socket) {
		ZMsg message = ZMsg.recvMsg(socket);
		assertThat(message).as("answer").isNotNull();
		return FbdpCodec.decode(ZmqFrames.of(message));
	}

}
