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
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqEngines;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * Bulk transfer over a Firebird Butler Data Pipe, against three raw baselines moving the same payloads
 * in the same run on the same ZeroMQ engine ({@code engine} param), so that the pipe is read as a
 * ratio of each:
 * <ul>
 * <li>{@code pipe}: one service binds the pipe, the other connects to it ({@code server} param); both
 * run as {@link ManagedMicroService}s in this JVM (see {@link ButlerFixture}). One invocation starts
 * both services and returns when the consumer accepted all {@code N} DATA messages, the producer
 * closed the pipe with CLOSE(OK) and both services FINISHED, so service start-up and shut-down are
 * part of the time (a few milliseconds against hundreds for the transfer).</li>
 * <li>{@code rawOneFrame}: one-frame messages from a bound PUSH written by a sender thread to a
 * connected PULL read by the benchmark thread: the engine at its fastest.</li>
 * <li>{@code rawTwoFrames}: two-frame messages (header and payload, the shape of a DATA) from a
 * connected DEALER on a sender thread to a bound ROUTER read by the benchmark thread, the sockets of a
 * pipe whose consumer binds; over tcp the ROUTER has a ZeroMQ context (an I/O thread) of its own,
 * as a pipe's bound tcp end has.</li>
 * <li>{@code rawCredit}: the same, with FBDP's flow control and nothing else: per batch a READY offer
 * from the consumer and a READY grant from the producer before the batch's DATA. This is the
 * protocol's floor: the least any FBDP implementation on the engine pays.</li>
 * </ul>
 * One invocation of each creates its sockets (and services or sender thread) and returns when
 * {@code N} messages arrived: 200 000 for 64-byte payloads and 50 000 for 4 KiB ones. The primary
 * score is transfers per second; the {@code messages} secondary score (an {@link AuxCounters}
 * counter) is the figure to read: <b>messages per second</b>. {@link PipeFloorReport} runs this class
 * and prints the pipe as a share of each baseline.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class DataPipeBenchmark {

	static final String FORMAT = "application/octet-stream";

	private static final Duration READY_INTERVAL = Duration.ofMillis(100);

	private static final long TRANSFER_TIMEOUT_SECONDS = 20;

	private static final AtomicInteger counter = new AtomicInteger();

	@Benchmark
	public long pipe(Payload payload, Batch batch, Framework framework, Messages messages) throws InterruptedException {
		int id = counter.incrementAndGet();
		long bytes = transfer(framework.fixture, id, payload.newAddress(id), "producer".equals(framework.server),
				batch.batchSize, payload.bytes, payload.count);
		messages.messages += payload.count;
		return bytes;
	}

	/**
	 * Move {@code count} copies of {@code data} through a data pipe between a producer and a consumer
	 * service, started and run to their end.
	 * @return the bytes the consumer accepted
	 */
	static long transfer(ButlerFixture fixture, int id, String address, boolean producerBinds, int batchSize,
			byte[] data, int count) throws InterruptedException {
		PipeMode producerMode = producerBinds ? PipeMode.BIND : PipeMode.CONNECT;
		PipeMode consumerMode = producerBinds ? PipeMode.CONNECT : PipeMode.BIND;
		Producer producerService = new Producer(
				new PipeOptions("bench", address, producerMode, FORMAT, batchSize, READY_INTERVAL, true), data, count);
		Consumer consumerService = new Consumer(
				new PipeOptions("bench", address, consumerMode, FORMAT, batchSize, READY_INTERVAL, true));
		ManagedMicroService producer = fixture.newService("bench-producer-" + id, producerService);
		ManagedMicroService consumer = fixture.newService("bench-consumer-" + id, consumerService);
		ManagedMicroService server = producerBinds ? producer : consumer;
		ManagedMicroService client = producerBinds ? consumer : producer;
		try {
			server.start();
			client.start();
			if (!consumerService.closed.await(TRANSFER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Pipe not closed within " + TRANSFER_TIMEOUT_SECONDS + " s, consumer got "
						+ consumerService.count + " of " + count + ", producer " + producer.state() + " "
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
		if (consumerService.received != count || consumerService.closeCode != FbdpErrorCode.OK
				|| consumer.outcome() != Outcome.OK || producer.outcome() != Outcome.OK) {
			throw new IllegalStateException("Transfer failed: received " + consumerService.received + " of " + count
					+ ", close " + consumerService.closeCode + ", outcomes " + producer.outcome() + "/"
					+ consumer.outcome() + " " + producer.details() + consumer.details());
		}
		return consumerService.bytes;
	}

	/**
	 * One-frame messages, PUSH to PULL, no flow control: what the engine moves at its fastest.
	 */
	@Benchmark
	public long rawOneFrame(Payload payload, Framework framework, Messages messages) throws InterruptedException {
		ZmqContext zmq = framework.raw;
		String address = payload.newAddress(counter.incrementAndGet());
		ZmqSocket push = RawTransfer.socket(zmq, ZmqSocketType.PUSH, 0);
		ZmqSocket pull = RawTransfer.socket(zmq, ZmqSocketType.PULL, 0);
		try {
			push.bind(address);
			pull.connect(address);
			Thread sender = startSender(() -> RawTransfer.sendOneFrame(push, payload.bytes, payload.count));
			long bytes = RawTransfer.receiveOneFrame(pull, payload.count);
			sender.join();
			messages.messages += payload.count;
			return bytes;
		}
		finally {
			// Both sockets are closed here, after the sender thread ended: all messages are in.
			pull.close();
			push.close();
		}
	}

	/**
	 * Two-frame messages (an FBDP DATA: header and payload) from a connected DEALER to a bound ROUTER,
	 * the sockets of a pipe whose consumer binds, with no flow control.
	 */
	@Benchmark
	public long rawTwoFrames(Payload payload, Framework framework, Messages messages) throws InterruptedException {
		return rawDealerToRouter(payload, framework, messages, 0);
	}

	/**
	 * The protocol's floor: two-frame messages from a DEALER to a ROUTER as in {@link #rawTwoFrames},
	 * and per batch what FBDP makes any implementation pay: the consumer offers the batch with a READY,
	 * the producer grants it with a READY and sends the batch, and the consumer offers the next batch
	 * once the last DATA arrived. No sessions, no codec, nothing but these sends and receives.
	 */
	@Benchmark
	public long rawCredit(Payload payload, Batch batch, Framework framework, Messages messages)
			throws InterruptedException {
		return rawDealerToRouter(payload, framework, messages, batch.batchSize);
	}

	private static long rawDealerToRouter(Payload payload, Framework framework, Messages messages, int batchSize)
			throws InterruptedException {
		ZmqContext zmq = framework.raw;
		String address = payload.newAddress(counter.incrementAndGet());
		// As a pipe's bound tcp end, the ROUTER has a context and an I/O thread of its own.
		ZmqContext routerContext = payload.transport.equals("inproc") ? zmq
				: ZmqEngines.select(framework.engine).newContext(1);
		ZmqSocket router = RawTransfer.socket(routerContext, ZmqSocketType.ROUTER, 0);
		ZmqSocket dealer = RawTransfer.socket(zmq, ZmqSocketType.DEALER, 0);
		try {
			router.bind(address);
			dealer.connect(address);
			Thread sender = startSender(
					() -> RawTransfer.sendTwoFrames(dealer, payload.bytes, payload.count, batchSize));
			long bytes = RawTransfer.receiveTwoFrames(router, payload.count, batchSize);
			sender.join();
			messages.messages += payload.count;
			return bytes;
		}
		finally {
			dealer.close();
			router.close();
			if (routerContext != zmq) {
				routerContext.close();
			}
		}
	}

	private static Thread startSender(Runnable sends) {
		Thread sender = new Thread(sends, "bench-sender");
		sender.start();
		return sender;
	}

	static void awaitFinished(ManagedMicroService service) {
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

		@Setup(Level.Trial)
		public void setUp() {
			this.bytes = new byte[this.payloadSize];
			Arrays.fill(this.bytes, (byte) 'x');
			this.count = (this.payloadSize <= 64) ? 200_000 : 50_000;
		}

		String newAddress(int id) {
			return address(this.transport, id);
		}

		/**
		 * Return a new address of a transport: a free loopback port, or a new inproc name.
		 */
		static String address(String transport, int id) {
			return switch (transport) {
				case "tcp" -> "tcp://127.0.0.1:" + freePort();
				case "inproc" -> "inproc://bench-pipe-" + id;
				default -> throw new IllegalArgumentException("Unknown transport " + transport);
			};
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
	 * The batch size of the pipe (both ends use the same) and of the protocol's floor.
	 */
	@State(Scope.Benchmark)
	public static class Batch {

		@Param({ "50", "500" })
		public int batchSize;

	}

	/**
	 * The framework pieces.
	 */
	@State(Scope.Benchmark)
	public static class Framework {

		/**
		 * Which service binds the pipe (ROUTER) while the other connects (DEALER). The baselines'
		 * ROUTER is the consumer's, so the default is {@code consumer}; {@code -p server=producer}
		 * measures the other arrangement.
		 */
		@Param({ "consumer" })
		public String server;

		/**
		 * The ZeroMQ engine of the services and the raw baselines: {@code -p engine=jeromq,libzmq}
		 * compares them (libzmq needs Java 22 or later).
		 */
		@Param({ "jeromq" })
		public String engine;

		ButlerFixture fixture;

		/** Context of the raw baselines. */
		ZmqContext raw;

		@Setup(Level.Trial)
		public void setUp() {
			this.fixture = new ButlerFixture(this.engine);
			this.raw = ZmqEngines.select(this.engine).newContext(1);
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.raw.close();
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
