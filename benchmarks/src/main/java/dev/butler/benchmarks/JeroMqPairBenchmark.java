package dev.butler.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Baseline for the ICCP benchmarks: a raw JeroMQ PAIR round trip over {@code inproc} between two
 * threads, the transport ICCP uses, with the same high-water marks. The benchmark thread sends a
 * 2-byte frame (the size of an ICCP OK) and waits for a thread that echoes it. The echo thread either
 * blocks in {@code recv} ({@code echo=recv}, the plain baseline) or waits in a {@link ZMQ.Poller} as
 * the controller and service loops do ({@code echo=poller}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JeroMqPairBenchmark {

	private static final byte[] FRAME = { 0, 3 };

	@Benchmark
	public byte[] roundTrip(Pair pair) {
		pair.client.send(FRAME, 0);
		return pair.client.recv(0);
	}

	/**
	 * A bound PAIR used by the benchmark thread and a connected PAIR echoed by a thread of its own.
	 */
	@State(Scope.Thread)
	public static class Pair {

		private static final AtomicInteger counter = new AtomicInteger();

		private static final int STOP_CHECK_MILLIS = 100;

		@Param({ "recv", "poller" })
		public String echo;

		private ZContext zmq;

		private Thread echoThread;

		private volatile boolean running;

		ZMQ.Socket client;

		@Setup(Level.Trial)
		public void start() throws InterruptedException {
			this.zmq = new ZContext();
			String address = "inproc://bench-pair-" + counter.incrementAndGet();
			this.client = pairSocket();
			this.client.bind(address);
			this.running = true;
			CountDownLatch connected = new CountDownLatch(1);
			Runnable loop = "poller".equals(this.echo) ? () -> echoPolled(address, connected)
					: () -> echoBlocking(address, connected);
			this.echoThread = new Thread(loop, "bench-echo");
			this.echoThread.start();
			connected.await();
		}

		private ZMQ.Socket pairSocket() {
			ZMQ.Socket socket = this.zmq.createSocket(SocketType.PAIR);
			socket.setSndHWM(5);
			socket.setRcvHWM(5);
			socket.setLinger(0);
			return socket;
		}

		private void echoBlocking(String address, CountDownLatch connected) {
			ZMQ.Socket socket = pairSocket();
			try {
				socket.setReceiveTimeOut(STOP_CHECK_MILLIS);
				socket.connect(address);
				connected.countDown();
				while (this.running) {
					byte[] frame = socket.recv(0);
					if (frame != null) {
						socket.send(frame, 0);
					}
				}
			}
			finally {
				this.zmq.destroySocket(socket);
			}
		}

		private void echoPolled(String address, CountDownLatch connected) {
			ZMQ.Socket socket = pairSocket();
			ZMQ.Poller poller = this.zmq.createPoller(1);
			try {
				socket.connect(address);
				poller.register(socket, ZMQ.Poller.POLLIN);
				connected.countDown();
				while (this.running) {
					poller.poll(STOP_CHECK_MILLIS);
					if (poller.pollin(0)) {
						byte[] frame;
						while ((frame = socket.recv(ZMQ.DONTWAIT)) != null) {
							socket.send(frame, 0);
						}
					}
				}
			}
			finally {
				poller.close();
				this.zmq.destroySocket(socket);
			}
		}

		@TearDown(Level.Trial)
		public void stop() throws InterruptedException {
			this.running = false;
			this.echoThread.join();
			this.zmq.close();
		}

	}

}
