package dev.butler.pipe.fuzz;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import org.zeromq.ZMsg;

import dev.butler.protocol.ZmqFrames;
import dev.butler.pipe.PipeRole;
import dev.butler.pipe.fuzz.PipeFuzzer.Report;
import dev.butler.pipe.fuzz.PipeFuzzer.Server;
import dev.butler.pipe.fuzz.PipeFuzzer.Target;
import dev.butler.protocol.fbdp.FbdpCodec;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpMessage;

import static dev.butler.pipe.PipeTestSupport.freeTcpAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The fuzzer's own judgement of a target, against a scripted pipe server on real sockets.
 */
class PipeFuzzerTests {

	@Test
	void cleanOpenLostToARestartAfterClosingRefusalsShouldNotBeALockUp() {
		// As a filter that stops: it refuses clean OPENs while its pipes settle, takes the next one in
		// after its last read, and closes its socket; the fuzzer must start it again and be served.
		try (StoppingServer server = new StoppingServer(freeTcpAddress(), 4)) {
			Target target = new Target("stopping pipe", server.address, "out", PipeRole.PRODUCER,
					"text/plain;charset=utf-8", server, false);
			Report report = assertTimeoutPreemptively(Duration.ofSeconds(60),
					() -> new PipeFuzzer(42, 0, 1, 250).run(target, (clients) -> {
					}));
			assertThat(report.restarts()).isEqualTo(1);
			assertThat(server.opens.get()).isEqualTo(6);
		}
	}

	/**
	 * A pipe server that answers OPEN with "is closing" a number of times, then takes one OPEN
	 * without an answer and closes its socket, as a service does that ends after its last read;
	 * started again, it answers READY.
	 */
	private static final class StoppingServer implements Server, AutoCloseable {

		private final String address;

		private final AtomicInteger opens = new AtomicInteger();

		private final Thread thread;

		private volatile int closingRefusals;

		private volatile String ended;

		private volatile int run = 1;

		private volatile CountDownLatch restart;

		private volatile boolean closed;

		/** The context of the current run, {@code null} while stopped; the server thread's only. */
		private ZContext zmq;

		private ZMQ.Socket router;

		StoppingServer(String address, int closingRefusals) {
			this.address = address;
			this.closingRefusals = closingRefusals;
			CountDownLatch bound = new CountDownLatch(1);
			this.thread = new Thread(() -> serve(bound), "stopping-pipe-server");
			this.thread.start();
			await(bound);
		}

		private void serve(CountDownLatch bound) {
			bind();
			bound.countDown();
			while (!this.closed) {
				CountDownLatch restarting = this.restart;
				if (restarting != null) {
					this.restart = null;
					bind();
					this.run++;
					this.ended = null;
					restarting.countDown();
				}
				ZMsg message = (this.zmq != null) ? ZMsg.recvMsg(this.router) : null;
				if (message != null) {
					answer(message);
				}
				else if (this.zmq == null) {
					sleep(10);
				}
			}
			if (this.zmq != null) {
				this.zmq.close();
			}
		}

		private void bind() {
			this.zmq = new ZContext(1);
			this.router = this.zmq.createSocket(SocketType.ROUTER);
			this.router.setLinger(0);
			this.router.setReceiveTimeOut(20);
			this.router.bind(this.address);
		}

		private void answer(ZMsg message) {
			ZFrame peer = message.pop();
			if (!(FbdpCodec.decode(ZmqFrames.of(message)) instanceof FbdpMessage.Open)) {
				return;
			}
			this.opens.incrementAndGet();
			FbdpMessage reply;
			if (this.run > 1) {
				reply = FbdpMessage.ready(4);
			}
			else if (this.closingRefusals > 0) {
				this.closingRefusals--;
				reply = FbdpMessage.close(FbdpErrorCode.PIPE_ENDPOINT_UNAVAILABLE,
						"Data pipe 'out' is closing: its service stops");
			}
			else {
				// Taken in after the last read: the OPEN goes with the socket.
				this.zmq.close();
				this.zmq = null;
				this.ended = "FINISHED with outcome OK: []";
				return;
			}
			ZMsg answer = ZmqFrames.toZMsg(FbdpCodec.encode(reply));
			answer.push(peer);
			try {
				answer.send(this.router);
			}
			catch (ZMQException ex) {
				// The client is gone.
			}
		}

		@Override
		public String ended() {
			return this.ended;
		}

		@Override
		public boolean mayEnd(String why) {
			return why.startsWith("FINISHED");
		}

		@Override
		public void start() {
			CountDownLatch restarted = new CountDownLatch(1);
			this.restart = restarted;
			await(restarted);
		}

		@Override
		public int scheduledActions() {
			return 0;
		}

		@Override
		public String pipes() {
			return "run " + this.run + ", " + this.opens.get() + " OPEN(s)";
		}

		@Override
		public String run() {
			return String.valueOf(this.run);
		}

		@Override
		public void close() {
			this.closed = true;
			try {
				this.thread.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		private static void await(CountDownLatch latch) {
			try {
				assertThat(latch.await(10, TimeUnit.SECONDS)).as("the scripted server is ready").isTrue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		private static void sleep(long millis) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
