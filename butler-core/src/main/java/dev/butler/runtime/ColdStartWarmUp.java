package dev.butler.runtime;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.config.ConfigProtoMapper;
import dev.butler.protocol.fbdp.FbdpCodec;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpFlags;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.FbdpProtocolException;
import dev.butler.protocol.fbdp.PipeSocket;
import dev.butler.protocol.iccp.IccpCodec;
import dev.butler.protocol.iccp.IccpMessage;
import dev.butler.protocol.iccp.IccpProtocolException;

/**
 * Runs, once per JVM and before the first service reports READY, what a peer's first messages run:
 * every FBDP and ICCP message through its codec, and FBDP OPEN, READY, DATA and CLOSE between a
 * ROUTER and a DEALER over loopback tcp in the service's ZeroMQ context, with the connection
 * monitor a data pipe uses. On a cold JVM the first OPEN otherwise waits for JeroMQ's connection,
 * handshake and codec code to load and run for the first time, which took 50–300 ms against the
 * 100 ms Saturnin's client allows for the answer. Most of its own time is that loading, moved
 * before READY. A failure is logged at debug level and ignored, as it only leaves the first
 * messages slower.
 */
final class ColdStartWarmUp {

	private static final Log logger = LogFactory.getLog(ColdStartWarmUp.class);

	/** Connections to the ROUTER, one after the other, so that accepting and the handshake run again. */
	static final int CONNECTIONS = 2;

	/** FBDP sessions served on each connection. */
	static final int SESSIONS_PER_CONNECTION = 20;

	/** Handshake limit of the pair: JeroMQ sometimes stalls a fresh handshake until it expires. */
	private static final int HANDSHAKE_MILLIS = 250;

	private static final int RECEIVE_MILLIS = 1000;

	private static final String FORMAT = "text/plain;charset=utf-8";

	private static final byte[] PAYLOAD = "warm-up".getBytes(StandardCharsets.UTF_8);

	private static @Nullable Result result;

	private ColdStartWarmUp() {
	}

	/**
	 * Warm up unless this JVM already did; a caller that comes while another warms up waits for it.
	 * @param zmq the ZeroMQ context of the calling service
	 */
	static synchronized void runOnce(ZContext zmq) {
		if (result == null) {
			result = run(zmq);
		}
	}

	/**
	 * Return what the warm-up of this JVM did.
	 * @return the result, {@code null} before it ran
	 */
	static synchronized @Nullable Result result() {
		return result;
	}

	/**
	 * Forget that the warm-up ran, so that the next service runs it again: for tests.
	 */
	static synchronized void forget() {
		result = null;
	}

	static Result run(ZContext zmq) {
		long started = System.nanoTime();
		long codecsDone = started;
		int messages = 0;
		int sessions = 0;
		try {
			messages = codecs();
			codecsDone = System.nanoTime();
			sessions = sessions(zmq);
		}
		catch (RuntimeException ex) {
			logger.debug("Warm-up of the FBDP and ICCP paths failed; a peer's first messages may be slower", ex);
		}
		long ended = System.nanoTime();
		Result result = new Result(messages, sessions, (codecsDone - started) / 1e6, (ended - codecsDone) / 1e6);
		if (logger.isDebugEnabled()) {
			logger.debug("Warmed up FBDP and ICCP: " + result);
		}
		return result;
	}

	/**
	 * Encode and decode every FBDP and ICCP message, and a malformed one of each.
	 * @return the number of messages decoded
	 */
	private static int codecs() {
		List<FbdpMessage> fbdp = List.of(FbdpMessage.open("warm-up", PipeSocket.INPUT, FORMAT),
				FbdpMessage.open("warm-up", PipeSocket.OUTPUT, FORMAT), FbdpMessage.ready(50), FbdpMessage.noop(),
				FbdpMessage.data(PAYLOAD), new FbdpMessage.Data(PAYLOAD, 0, FbdpFlags.ACK_REQ),
				FbdpMessage.close(FbdpErrorCode.OK), FbdpMessage.close(FbdpErrorCode.ERROR, "warm-up"));
		int decoded = 0;
		for (FbdpMessage message : fbdp) {
			FbdpCodec.decode(FbdpCodec.encode(message));
			FbdpCodec.decode(FbdpCodec.toZMsg(message));
			if (message.hasAckRequest()) {
				FbdpCodec.encode(FbdpMessage.ackReply(message));
			}
			decoded++;
		}
		try {
			FbdpCodec.decode(List.of(new byte[] { 'F', 'B', 'D', 'X', 0x09, 0, 0, 0 }));
		}
		catch (FbdpProtocolException expected) {
			decoded++;
		}
		List<IccpMessage> iccp = List.of(
				IccpMessage.ready(PeerDescriptor.forThisProcess(), Map.of("pipe", List.of("tcp://127.0.0.1:1"))),
				IccpMessage.configure(ConfigProtoMapper.toProto(Map.of("option", "value", "number", 1))), IccpMessage.OK,
				IccpMessage.error("warm-up"), IccpMessage.STOP, IccpMessage.finished(Outcome.OK, "warm-up"));
		for (IccpMessage message : iccp) {
			IccpMessage copy = IccpCodec.decode(IccpCodec.toZMsg(message));
			if (copy instanceof IccpMessage.Request request) {
				ConfigProtoMapper.toMap(request.config());
			}
			decoded++;
		}
		try {
			IccpCodec.decode(List.of(new byte[] { 0, 99 }));
		}
		catch (IccpProtocolException expected) {
			decoded++;
		}
		return decoded;
	}

	/**
	 * Serve FBDP sessions between a ROUTER and DEALERs over loopback tcp, the ROUTER set up as a
	 * data pipe sets up its socket, with the monitor that reports its connections. Each DEALER
	 * connects anew, so that accepting and the ZMTP handshake run more than once.
	 * @return the number of sessions served, fewer if a connection did not come up in time
	 */
	private static int sessions(ZContext zmq) {
		String monitorAddress = "inproc://butler-warm-up-monitor/" + UUID.randomUUID();
		ZMQ.Socket server = zmq.createSocket(SocketType.ROUTER);
		ZMQ.Socket monitor = null;
		try {
			prepare(server);
			server.setRouterMandatory(true);
			server.monitor(monitorAddress, ZMQ.EVENT_ACCEPTED | ZMQ.EVENT_DISCONNECTED);
			monitor = zmq.createSocket(SocketType.PAIR);
			monitor.setLinger(0);
			monitor.connect(monitorAddress);
			String address = "tcp://127.0.0.1:" + server.bindToRandomPort("tcp://127.0.0.1");
			int served = 0;
			for (int connection = 0; connection < CONNECTIONS; connection++) {
				try (ZMQ.Socket client = zmq.createSocket(SocketType.DEALER)) {
					prepare(client);
					client.connect(address);
					for (int i = 0; i < SESSIONS_PER_CONNECTION; i++) {
						if (!exchange(server, client)) {
							return served;
						}
						served++;
					}
				}
				ZMsg event;
				while ((event = ZMsg.recvMsg(monitor, ZMQ.DONTWAIT)) != null) {
					event.destroy();
				}
			}
			return served;
		}
		finally {
			server.monitor(null, 0);
			server.close();
			if (monitor != null) {
				monitor.close();
			}
		}
	}

	private static void prepare(ZMQ.Socket socket) {
		socket.setLinger(0);
		socket.setHandshakeIvl(HANDSHAKE_MILLIS);
		socket.setReceiveTimeOut(RECEIVE_MILLIS);
		socket.setSendTimeOut(RECEIVE_MILLIS);
		socket.setHeartbeatIvl(1000);
		socket.setHeartbeatTimeout(3000);
		socket.setHeartbeatTtl(3000);
	}

	/**
	 * One session: OPEN answered by READY, READY, one DATA, CLOSE; decoded on both sides as a pipe
	 * decodes them.
	 * @return whether every message arrived in time
	 */
	private static boolean exchange(ZMQ.Socket server, ZMQ.Socket client) {
		FbdpCodec.toZMsg(FbdpMessage.open("warm-up", PipeSocket.INPUT, FORMAT)).send(client);
		ZMsg open = ZMsg.recvMsg(server);
		if (open == null) {
			return false;
		}
		ZFrame identity = open.unwrap();
		FbdpCodec.decode(open);
		ZMsg ready = FbdpCodec.toZMsg(FbdpMessage.ready(50));
		ready.push(identity.duplicate());
		ZmqSupport.sendNow(server, ready);
		ZMsg answer = ZMsg.recvMsg(client);
		if (answer == null) {
			return false;
		}
		FbdpCodec.decode(answer);
		for (FbdpMessage message : List.of(FbdpMessage.ready(1), FbdpMessage.data(PAYLOAD),
				FbdpMessage.close(FbdpErrorCode.OK))) {
			ZmqSupport.sendNow(client, FbdpCodec.encode(message).toArray(byte[][]::new));
		}
		for (int i = 0; i < 3; i++) {
			ZMsg message = ZMsg.recvMsg(server);
			if (message == null) {
				return false;
			}
			message.unwrap();
			byte[] header = message.getFirst().getData();
			if (!FbdpCodec.isData(header) || FbdpCodec.flags(header) != 0) {
				FbdpCodec.decode(message);
			}
		}
		return true;
	}

	/**
	 * What a warm-up did.
	 *
	 * @param messages codec messages encoded and decoded, malformed ones included
	 * @param sessions FBDP sessions served over loopback tcp
	 * @param codecMillis how long the codecs took
	 * @param socketMillis how long the sessions over tcp took
	 */
	record Result(int messages, int sessions, double codecMillis, double socketMillis) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "%d codec messages in %.1f ms, %d sessions over loopback tcp in %.1f ms",
					this.messages, this.codecMillis, this.sessions, this.socketMillis);
		}

	}

}
