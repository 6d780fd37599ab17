package dev.butler.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.butler.protocol.iccp.IccpCodec;
import dev.butler.protocol.iccp.IccpMessage;
import dev.butler.protocol.iccp.IccpProtocolException;

/**
 * Plays a component of another process with a raw PAIR socket that connects to the controller. The
 * socket belongs to a thread of its own, so the fake can be started before the application context
 * and keep answering while a test thread waits in {@code start()} or {@code stop()}. ZeroMQ connects
 * and reconnects on its own, whenever the controller binds.
 */
final class FakeForeignComponent implements AutoCloseable {

	private final ZContext zmq = new ZContext();

	private final BlockingQueue<List<byte[]>> outbox = new LinkedBlockingQueue<>();

	private final BlockingQueue<List<byte[]>> received = new LinkedBlockingQueue<>();

	private final String address;

	private final Thread thread;

	private volatile Function<IccpMessage, List<byte[]>> responder = (request) -> null;

	private volatile boolean running = true;

	private FakeForeignComponent(String address) {
		this.address = address;
		this.thread = new Thread(this::run, "fake-foreign-component");
		this.thread.setDaemon(true);
	}

	/**
	 * Start a fake component that connects to {@code address}.
	 * @param address the controller's address
	 * @return the running fake
	 */
	static FakeForeignComponent connectTo(String address) {
		FakeForeignComponent fake = new FakeForeignComponent(address);
		fake.thread.start();
		return fake;
	}

	/**
	 * Answer each ICCP message from the controller with what {@code responder} returns, if not
	 * {@code null}. Messages are recorded whether answered or not.
	 * @param responder the responder
	 * @return this fake
	 */
	FakeForeignComponent answering(Function<IccpMessage, IccpMessage> responder) {
		this.responder = (request) -> {
			IccpMessage answer = responder.apply(request);
			return (answer != null) ? IccpCodec.encode(answer) : null;
		};
		return this;
	}

	/**
	 * Answer each ICCP message from the controller with the raw frames {@code responder} returns,
	 * valid ICCP or not, if not {@code null}. The answer leaves at once, from the fake's own thread.
	 * @param responder the responder
	 * @return this fake
	 */
	FakeForeignComponent answeringFrames(Function<IccpMessage, List<byte[]>> responder) {
		this.responder = responder;
		return this;
	}

	/**
	 * Queue an ICCP message for the controller.
	 * @param message the message
	 */
	void send(IccpMessage message) {
		this.outbox.add(IccpCodec.encode(message));
	}

	/**
	 * Queue raw frames for the controller, valid ICCP or not.
	 * @param frames the frames
	 */
	void sendFrames(byte[]... frames) {
		this.outbox.add(List.of(frames));
	}

	/**
	 * Wait for the next message from the controller.
	 * @param timeout how long to wait
	 * @return its frames, or {@code null} if none arrived in time
	 */
	List<byte[]> receive(Duration timeout) throws InterruptedException {
		return this.received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Wait for the next message from the controller and decode it.
	 * @param timeout how long to wait
	 * @return the message, or {@code null} if none arrived in time
	 */
	IccpMessage receiveMessage(Duration timeout) throws InterruptedException {
		List<byte[]> frames = receive(timeout);
		return (frames != null) ? IccpCodec.decode(frames) : null;
	}

	private void run() {
		ZMQ.Socket socket = this.zmq.createSocket(SocketType.PAIR);
		socket.setLinger(0);
		socket.setSendTimeOut(100);
		// recover within a second, not 30, from a fresh tcp connection that misses its first read
		// (seen in some sandboxes about once in 150 connections)
		socket.setHandshakeIvl(1000);
		socket.connect(this.address);
		try (ZMQ.Poller poller = this.zmq.createPoller(1)) {
			poller.register(socket, ZMQ.Poller.POLLIN);
			List<byte[]> pending = null;
			while (this.running) {
				if (pending == null) {
					pending = this.outbox.poll();
				}
				if (pending != null && sendNow(socket, pending)) {
					pending = null;
					continue;
				}
				poller.poll(20);
				if (poller.pollin(0)) {
					ZMsg message = ZMsg.recvMsg(socket, ZMQ.DONTWAIT);
					if (message != null) {
						List<byte[]> frames = new ArrayList<>();
						for (ZFrame frame : message) {
							frames.add(frame.getData());
						}
						this.received.add(frames);
						List<byte[]> answer = answer(frames);
						if (answer != null) {
							this.outbox.add(answer);
						}
					}
				}
			}
		}
		finally {
			this.zmq.destroySocket(socket);
		}
	}

	private List<byte[]> answer(List<byte[]> frames) {
		try {
			return this.responder.apply(IccpCodec.decode(frames));
		}
		catch (IccpProtocolException ex) {
			return null;
		}
	}

	private static boolean sendNow(ZMQ.Socket socket, List<byte[]> frames) {
		for (int i = 0; i < frames.size(); i++) {
			boolean more = i < frames.size() - 1;
			if (!socket.send(frames.get(i), more ? ZMQ.SNDMORE : 0)) {
				if (i == 0) {
					return false;
				}
				throw new IllegalStateException("Frame " + (i + 1) + " of a multipart message was refused");
			}
		}
		return true;
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		this.thread.join(2000);
		this.zmq.close();
	}

}
