package dev.butler.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.openjdk.jmh.annotations.AuxCounters;
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

import dev.butler.control.ManagedMicroService;
import dev.butler.pipe.DataPipe;
import dev.butler.pipe.PipeHandler;
import dev.butler.pipe.PipeMode;
import dev.butler.pipe.PipeOptions;
import dev.butler.pipe.PipeRole;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

/**
 * Bulk transfer over a Firebird Butler Data Pipe, against a raw JeroMQ PUSH/PULL baseline.
 * <ul>
 * <li>{@code framework}: one service binds the pipe, the other connects to it ({@code server} param); both
 * run as {@link ManagedMicroService}s in this JVM (see {@link ButlerFixture}). One invocation starts
 * both services and returns when the consumer accepted all {@code N} DATA messages, the producer
 * closed the pipe with CLOSE(OK) and both services FINISHED, so service start-up and shut-down are
 * part of the time (a few milliseconds against hundreds for the transfer).</li>
 * <li>{@code raw}: a bound PUSH socket written by a sender thread, a PULL socket connected and read
 * by the benchmark thread; one invocation creates both sockets and the sender thread and returns
 * when {@code N} messages of the same payload arrived.</li>
 * </ul>
 * {@code N} is 200 000 for 64-byte payloads and 50 000 for 4 KiB ones. The primary score is
 * transfers per second; the {@code messages} secondary score (an {@link AuxCounters} counter) is the
 * figure to read: <b>messages per second</b>. Run e.g.
 * {@code java -jar benchmarks.jar DataPipeBenchmark -f 1 -wi 2 -i 3}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class DataPipeBenchmark {

	private static final String FORMAT = "application/octet-stream";

	private static final Duration READY_INTERVAL = Duration.ofMillis(100);

	private static final long TRANSFER_TIMEOUT_SECONDS = 20;

	private static final AtomicInteger counter = new AtomicInteger();

	@Benchmark
	public long framework(Payload payload, Framework framework, Messages messages) throws InterruptedException {
		int id = counter.incrementAndGet();
		String address = payload.newAddress(id);
		int batch = framework.batchSize;
		boolean producerBinds = "producer".equals(framework.server);
		PipeMode producerMode = producerBinds ? PipeMode.BIND : PipeMode.CONNECT;
		PipeMode consumerMode = producerBinds ? PipeMode.CONNECT : PipeMode.BIND;
		Producer producerService = new Producer(
				new PipeOptions("bench", address, producerMode, FORMAT, batch, READY_INTERVAL, true), payload.bytes,
				payload.count);
		Consumer consumerService = new Consumer(
				new PipeOptions("bench", address, consumerMode, FORMAT, batch, READY_INTERVAL, true));
		ManagedMicroService producer = framework.fixture.newService("bench-producer-" + id, producerService);
		ManagedMicroService consumer = framework.fixture.newService("bench-consumer-" + id, consumerService);
		ManagedMicroService server = producerBinds ? producer : consumer;
		ManagedMicroService client = producerBinds ? consumer : producer;
		try {
			server.start();
			client.start();
			if (!consumerService.closed.await(TRANSFER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Pipe not closed within " + TRANSFER_TIMEOUT_SECONDS + " s, consumer got "
						+ consumerService.count + " of " + payload.count + ", producer " + producer.state() + " "
						+ producer.details() + ", consumer " + consumer.state() + " " + consumer.details());
			}
			awaitFinished(producer);
			awaitFinished(consumer);
		}
		finally {
			producer.stop(() -> {
			});
			consumer.stop(() -> {
			});
		}
		if (consumerService.received != payload.count || consumerService.closeCode != FbdpErrorCode.OK
				|| consumer.outcome() != Outcome.OK || producer.outcome() != Outcome.OK) {
			throw new IllegalStateException("Transfer failed: received " + consumerService.received + " of "
					+ payload.count + ", close " + consumerService.closeCode + ", outcomes " + producer.outcome() + "/"
					+ consumer.outcome() + " " + producer.details() + consumer.details());
		}
		messages.messages += consumerService.received;
		return consumerService.bytes;
	}

	@Benchmark
	public long raw(Payload payload, Messages messages) throws InterruptedException {
		ZContext zmq = payload.zmq;
		String address = payload.newAddress(counter.incrementAndGet());
		ZMQ.Socket push = zmq.createSocket(SocketType.PUSH);
		ZMQ.Socket pull = zmq.createSocket(SocketType.PULL);
		long bytes = 0;
		int received = 0;
		try {
			push.bind(address);
			pull.setReceiveTimeOut((int) TimeUnit.SECONDS.toMillis(TRANSFER_TIMEOUT_SECONDS));
			pull.connect(address);
			byte[] data = payload.bytes;
			int count = payload.count;
			Thread sender = new Thread(() -> {
				for (int i = 0; i < count; i++) {
					push.send(data, 0);
				}
			}, "bench-push");
			sender.start();
			for (; received < count; received++) {
				byte[] frame = pull.recv(0);
				if (frame == null) {
					break;
				}
				bytes += frame.length;
			}
			sender.join();
		}
		finally {
			// Both sockets are closed here, after the sender thread ended: all messages are in.
			zmq.destroySocket(pull);
			zmq.destroySocket(push);
		}
		if (received != payload.count) {
			throw new IllegalStateException("Raw transfer got " + received + " of " + payload.count);
		}
		messages.messages += received;
		return bytes;
	}

	private static void awaitFinished(ManagedMicroService service) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (service.state() != dev.butler.protocol.State.FINISHED) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Service '" + service.id() + "' did not finish: " + service.state());
			}
			LockSupport.parkNanos(50_000);
		}
	}

	/**
	 * The transport and the payload, shared by both benchmarks.
	 */
	@State(Scope.Benchmark)
	public static class Payload {

		@Param({ "tcp", "inproc" })
		public String transport;

		@Param({ "64", "4096" })
		public int payloadSize;

		byte[] bytes;

		int count;

		/** Context of the raw baseline. */
		ZContext zmq;

		@Setup(Level.Trial)
		public void setUp() {
			this.bytes = new byte[this.payloadSize];
			Arrays.fill(this.bytes, (byte) 'x');
			this.count = (this.payloadSize <= 64) ? 200_000 : 50_000;
			this.zmq = new ZContext();
		}

		String newAddress(int id) {
			return switch (this.transport) {
				case "tcp" -> "tcp://127.0.0.1:" + freePort();
				case "inproc" -> "inproc://bench-pipe-" + id;
				default -> throw new IllegalArgumentException("Unknown transport " + this.transport);
			};
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.zmq.close();
		}

		private static int freePort() {
			try (ServerSocket socket = new ServerSocket(0)) {
				return socket.getLocalPort();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/**
	 * The framework pieces and the batch size of the pipe (both ends use the same).
	 */
	@State(Scope.Benchmark)
	public static class Framework {

		@Param({ "50", "500" })
		public int batchSize;

		/**
		 * Which service binds the pipe (ROUTER) while the other connects (DEALER). The default is
		 * {@code consumer}: with {@code producer} the bound producer's ROUTER socket silently drops
		 * DATA once the high-water mark (batch size / 2 + 5) is reached, so the transfer fails with
		 * PROTOCOL_VIOLATION or stalls. Run {@code -p server=producer} to check a fix.
		 */
		@Param({ "consumer" })
		public String server;

		ButlerFixture fixture;

		@Setup(Level.Trial)
		public void setUp() {
			this.fixture = new ButlerFixture();
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.fixture.close();
		}

	}

	/**
	 * Messages moved, reported by JMH per second as the {@code messages} secondary result.
	 */
	@AuxCounters(AuxCounters.Type.OPERATIONS)
	@State(Scope.Thread)
	public static class Messages {

		public long messages;

		@Setup(Level.Iteration)
		public void reset() {
			this.messages = 0;
		}

	}

	/**
	 * Produces {@code count} copies of one payload, then ends the stream.
	 */
	static final class Producer implements MicroService<Object>, PipeHandler {

		private final PipeOptions options;

		private final byte[] payload;

		private final int count;

		private int sent;

		private DataPipe pipe;

		Producer(PipeOptions options, byte[] payload, int count) {
			this.options = options;
			this.payload = payload;
			this.count = count;
		}

		@Override
		public void initialize(Object config, ServiceContext context) {
			this.sent = 0;
			this.pipe = new DataPipe(context, "output", PipeRole.PRODUCER, this.options, this);
		}

		@Override
		public byte[] produce(DataPipe pipe) {
			if (this.sent >= this.count) {
				return null;
			}
			this.sent++;
			return this.payload;
		}

	}

	/**
	 * Counts what it accepts; {@link #closed} opens when the pipe closes.
	 */
	static final class Consumer implements MicroService<Object>, PipeHandler {

		private final PipeOptions options;

		final CountDownLatch closed = new CountDownLatch(1);

		volatile int received;

		volatile long bytes;

		volatile FbdpErrorCode closeCode;

		/** Read by the benchmark thread only to report a stalled transfer. */
		int count;

		private long length;

		private DataPipe pipe;

		Consumer(PipeOptions options) {
			this.options = options;
		}

		@Override
		public void initialize(Object config, ServiceContext context) {
			this.pipe = new DataPipe(context, "input", PipeRole.CONSUMER, this.options, this);
		}

		@Override
		public void accept(DataPipe pipe, byte[] payload) {
			this.count++;
			this.length += payload.length;
		}

		@Override
		public void closed(DataPipe pipe) {
			this.received = this.count;
			this.bytes = this.length;
			this.closeCode = pipe.closeCode();
			this.closed.countDown();
		}

	}

}
