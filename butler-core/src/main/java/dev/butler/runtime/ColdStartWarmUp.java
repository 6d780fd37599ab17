package dev.butler.runtime;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

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
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqEvent;
import dev.butler.zeromq.ZmqMonitor;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

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
	static synchronized void runOnce(ZmqContext zmq) {
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

	static Result run(ZmqContext zmq) {
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
			IccpMessage copy = IccpCodec.decode(IccpCodec.encode(message));
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
	private static int sessions(ZmqContext zmq) {
		try (ZmqSocket server = zmq.socket(ZmqSocketType.ROUTER)) {
			prepare(server);
			server.setRouterMandatory(true);
			try (ZmqMonitor monitor = server.monitor(ZmqEvent.Type.ACCEPTED.bit() | ZmqEvent.Type.DISCONNECTED.bit())) {
				server.bind("tcp://127.0.0.1:*");
				String address = Objects.requireNonNull(server.lastEndpoint(), "the bound endpoint");
				int served = 0;
				for (int connection = 0; connection < CONNECTIONS; connection++) {
					try (ZmqSocket client = zmq.socket(ZmqSocketType.DEALER)) {
						prepare(client);
						client.connect(address);
						for (int i = 0; i < SESSIONS_PER_CONNECTION; i++) {
							if (!exchange(server, client)) {
								return served;
							}
							served++;
						}
					}
					ZmqEvent event = monitor.receive(0);
					while (event != null) {
						event = monitor.receive(0);
					}
				}
				return served;
			}
		}
	}

	private static void prepare(ZmqSocket socket) {
		socket.setLinger(0);
		socket.setHandshakeInterval(HANDSHAKE_MILLIS);
		socket.setReceiveTimeout(RECEIVE_MILLIS);
		socket.setSendTimeout(RECEIVE_MILLIS);
		socket.setHeartbeat(1000, 3000, 3000);
	}

	/**
	 * One session: OPEN answered by READY, READY, one DATA, CLOSE; decoded on both sides as a pipe
	 * decodes them.
	 * @return whether every message arrived in time
	 */
	private static boolean exchange(ZmqSocket server, ZmqSocket client) {
		client.sendMessage(FbdpCodec.encode(FbdpMessage.open("warm-up", PipeSocket.INPUT, FORMAT)), false);
		List<byte[]> open = server.receiveMessage(false);
		if (open == null) {
			return false;
		}
		byte[] identity = open.get(0);
		FbdpCodec.decode(open.subList(1, open.size()));
		server.sendMessage(FbdpCodec.encode(identity, FbdpMessage.ready(50)), true);
		List<byte[]> answer = client.receiveMessage(false);
		if (answer == null) {
			return false;
		}
		FbdpCodec.decode(answer);
		for (FbdpMessage message : List.of(FbdpMessage.ready(1), FbdpMessage.data(PAYLOAD),
				FbdpMessage.close(FbdpErrorCode.OK))) {
			client.sendMessage(FbdpCodec.encode(message), true);
		}
		for (int i = 0; i < 3; i++) {
			List<byte[]> message = server.receiveMessage(false);
			if (message == null) {
				return false;
			}
			List<byte[]> frames = message.subList(1, message.size());
			byte[] header = frames.get(0);
			if (!FbdpCodec.isData(header) || FbdpCodec.flags(header) != 0) {
				FbdpCodec.decode(frames);
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
