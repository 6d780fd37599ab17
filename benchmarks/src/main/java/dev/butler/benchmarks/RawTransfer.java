package dev.butler.benchmarks;

import org.jspecify.annotations.Nullable;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.butler.protocol.fbdp.FbdpCodec;
import dev.butler.protocol.fbdp.FbdpMessageType;

/**
 * The raw JeroMQ baselines of the data pipe benchmarks, each as a sending and a receiving half so
 * that the halves can run on two threads or in two processes:
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
	 */
	static ZMQ.Socket socket(ZContext zmq, SocketType type) {
		ZMQ.Socket socket = zmq.createSocket(type);
		socket.setHandshakeIvl(HANDSHAKE_INTERVAL_MILLIS);
		socket.setReceiveTimeOut(RECEIVE_TIMEOUT_MILLIS);
		return socket;
	}

	static void sendOneFrame(ZMQ.Socket push, byte[] data, int count) {
		for (int i = 0; i < count; i++) {
			push.send(data, 0);
		}
	}

	/**
	 * @return the bytes received
	 */
	static long receiveOneFrame(ZMQ.Socket pull, int count) {
		long bytes = 0;
		for (int received = 0; received < count; received++) {
			byte[] frame = pull.recv(0);
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
	static void sendTwoFrames(ZMQ.Socket dealer, byte[] data, int count, int batchSize) {
		dealer.send(OPEN, 0);
		int sent = 0;
		while (sent < count) {
			int granted = count - sent;
			if (batchSize > 0) {
				if (dealer.recv(0) == null) {
					throw new IllegalStateException("Raw transfer got no READY after " + sent + " of " + count);
				}
				granted = Math.min(batchSize, granted);
				dealer.send(FbdpCodec.header(FbdpMessageType.READY, 0, granted), 0);
			}
			for (int i = 0; i < granted; i++) {
				// A copy, as a pipe sends: over inproc JeroMQ hands the very array to the receiver.
				dealer.send(DATA_HEADER.clone(), ZMQ.SNDMORE);
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
	static long receiveTwoFrames(ZMQ.Socket router, int count, int batchSize) {
		byte[] peer = router.recv(0);
		if (peer == null || router.recv(0) == null) {
			throw new IllegalStateException("Raw transfer got no OPEN");
		}
		byte[] offer = FbdpCodec.header(FbdpMessageType.READY, 0, Math.max(batchSize, 1));
		long bytes = 0;
		int received = 0;
		while (received < count) {
			int due = count - received;
			if (batchSize > 0) {
				router.send(peer, ZMQ.SNDMORE);
				router.send(offer, 0);
				if (router.recv(0) == null || router.recv(0) == null) {
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
	private static byte @Nullable [] receiveData(ZMQ.Socket router) {
		for (int frame = 0; frame < 2; frame++) {
			if (router.recv(0) == null) {
				return null;
			}
		}
		return router.recv(0);
	}

}
