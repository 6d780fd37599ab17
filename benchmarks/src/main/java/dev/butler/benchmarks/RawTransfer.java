package dev.butler.benchmarks;

import org.jspecify.annotations.Nullable;

import dev.butler.protocol.fbdp.FbdpCodec;
import dev.butler.protocol.fbdp.FbdpMessageType;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * The raw baselines of the data pipe benchmarks, each as a sending and a receiving half so that the
 * halves can run on two threads or in two processes. They call a ZeroMQ engine's sockets directly
 * ({@link ZmqSocket#send(byte[], int)} and {@link ZmqSocket#receive(int)}, one frame a call), which on
 * JeroMQ is one call more than JeroMQ's own {@code send} and {@code recv}:
 * <ul>
 * <li>one frame: PUSH to PULL, no flow control;</li>
 * <li>two frames: DATA-shaped messages (header and payload) from a DEALER to a ROUTER, after an
 * OPEN-shaped frame that tells the ROUTER who its peer is, with no flow control ({@code batchSize}
 * 0) or with FBDP's per batch: the receiver's READY offer, the sender's READY grant, the batch.</li>
 * </ul>
 */
final class RawTransfer {

	/** As {@link ButlerFixture}'s services: a stalled tcp handshake is dropped and tried again. */
	private static final int HANDSHAKE_INTERVAL_MILLIS = 1000;

	private static final int RECEIVE_TIMEOUT_MILLIS = 20_000;

	private static final byte[] DATA_HEADER = FbdpCodec.header(FbdpMessageType.DATA, 0, 0);

	private static final byte[] OPEN = FbdpCodec.header(FbdpMessageType.OPEN, 0, 0);

	private RawTransfer() {
	}

	/**
	 * Create a socket with the options of every baseline: the handshake interval and a receive
	 * timeout, after which a half gives up.
	 * @param lingerMillis how long closing the socket waits for what it still holds to go out
	 */
	static ZmqSocket socket(ZmqContext zmq, ZmqSocketType type, int lingerMillis) {
		ZmqSocket socket = zmq.socket(type);
		socket.setHandshakeInterval(HANDSHAKE_INTERVAL_MILLIS);
		socket.setReceiveTimeout(RECEIVE_TIMEOUT_MILLIS);
		socket.setLinger(lingerMillis);
		return socket;
	}

	static void sendOneFrame(ZmqSocket push, byte[] data, int count) {
		for (int i = 0; i < count; i++) {
			push.send(data, 0);
		}
	}

	/**
	 * @return the bytes received
	 */
	static long receiveOneFrame(ZmqSocket pull, int count) {
		long bytes = 0;
		for (int received = 0; received < count; received++) {
			byte[] frame = pull.receive(0);
			if (frame == null) {
				throw new IllegalStateException("Raw transfer got " + received + " of " + count);
			}
			bytes += frame.length;
		}
		return bytes;
	}

	/**
	 * Send {@code count} DATA-shaped messages on a DEALER, in batches of {@code batchSize} each
	 * offered by the receiver and granted by this side, or all at once for 0.
	 */
	static void sendTwoFrames(ZmqSocket dealer, byte[] data, int count, int batchSize) {
		dealer.send(OPEN, 0);
		int sent = 0;
		while (sent < count) {
			int granted = count - sent;
			if (batchSize > 0) {
				if (dealer.receive(0) == null) {
					throw new IllegalStateException("Raw transfer got no READY after " + sent + " of " + count);
				}
				granted = Math.min(batchSize, granted);
				dealer.send(FbdpCodec.header(FbdpMessageType.READY, 0, granted), 0);
			}
			for (int i = 0; i < granted; i++) {
				// A copy, as a pipe sends: over inproc JeroMQ hands the very array to the receiver.
				dealer.send(DATA_HEADER.clone(), ZmqSocket.SNDMORE);
				dealer.send(data, 0);
			}
			sent += granted;
		}
	}

	/**
	 * Receive {@code count} DATA-shaped messages on a ROUTER, offering each batch of
	 * {@code batchSize} with a READY, or taking them all at once for 0.
	 * @return the bytes received
	 */
	static long receiveTwoFrames(ZmqSocket router, int count, int batchSize) {
		byte[] peer = router.receive(0);
		if (peer == null || router.receive(0) == null) {
			throw new IllegalStateException("Raw transfer got no OPEN");
		}
		byte[] offer = FbdpCodec.header(FbdpMessageType.READY, 0, Math.max(batchSize, 1));
		long bytes = 0;
		int received = 0;
		while (received < count) {
			int due = count - received;
			if (batchSize > 0) {
				router.send(peer, ZmqSocket.SNDMORE);
				router.send(offer, 0);
				if (router.receive(0) == null || router.receive(0) == null) {
					throw new IllegalStateException("Raw transfer got no grant after " + received + " of " + count);
				}
				due = Math.min(batchSize, due);
			}
			for (int i = 0; i < due; i++) {
				byte[] payload = receiveData(router);
				if (payload == null) {
					throw new IllegalStateException("Raw transfer got " + received + " of " + count);
				}
				bytes += payload.length;
				received++;
			}
		}
		return bytes;
	}

	/**
	 * Receive a DATA-shaped message on a ROUTER: the peer's routing id, the header and the payload.
	 * @return the payload, {@code null} on a timeout
	 */
	private static byte @Nullable [] receiveData(ZmqSocket router) {
		for (int frame = 0; frame < 2; frame++) {
			if (router.receive(0) == null) {
				return null;
			}
		}
		return router.receive(0);
	}

}
