package dev.butler.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

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
import dev.butler.pipe.PipeMode;
import dev.butler.pipe.PipeOptions;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqEngines;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * {@link DataPipeBenchmark} with the producer in a second JVM, as pipelines run: the consumer
 * binds in the benchmark's JVM and the producing side ({@link PipeProducerProcess}, started once per
 * trial with the same Java and class path) connects over tcp. The same four cases, each moving the
 * same payloads: {@code pipe} (a producer service and a consumer service), {@code rawOneFrame}
 * (PUSH to PULL), {@code rawTwoFrames} (DEALER to ROUTER, DATA-shaped) and {@code rawCredit} (the
 * same with FBDP's READY offer and grant per batch: the protocol's floor). Read the
 * {@code messages} secondary score, messages per second; {@link PipeFloorReport} prints the ratios.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PipeAcrossProcessesBenchmark {

	private static final Duration READY_INTERVAL = Duration.ofMillis(100);

	private static final long TRANSFER_TIMEOUT_SECONDS = 20;

	private static final AtomicInteger counter = new AtomicInteger();

	@Benchmark
	public long pipe(Peer peer, DataPipeBenchmark.Batch batch, DataPipeBenchmark.Messages messages)
			throws Exception {
		int id = counter.incrementAndGet();
		String address = DataPipeBenchmark.Payload.address("tcp", id);
		DataPipeBenchmark.Consumer service = new DataPipeBenchmark.Consumer(new PipeOptions("bench", address,
				PipeMode.BIND, DataPipeBenchmark.FORMAT, batch.batchSize, READY_INTERVAL, true));
		ManagedMicroService consumer = peer.fixture.newService("bench-consumer-" + id, service);
		try {
			consumer.start();
			peer.send("pipe", address, batch.batchSize);
			if (!service.closed.await(TRANSFER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Pipe not closed within " + TRANSFER_TIMEOUT_SECONDS
						+ " s, consumer got " + service.count + " of " + peer.count + ": " + consumer.details());
			}
			DataPipeBenchmark.awaitFinished(consumer);
			peer.awaitDone();
		}
		finally {
			consumer.stop(() -> {
			});
		}
		if (service.received != peer.count || service.closeCode != FbdpErrorCode.OK
				|| consumer.outcome() != Outcome.OK) {
			throw new IllegalStateException("Transfer failed: received " + service.received + " of " + peer.count
					+ ", close " + service.closeCode + ", outcome " + consumer.outcome() + " " + consumer.details());
		}
		messages.messages += peer.count;
		return service.bytes;
	}

	@Benchmark
	public long rawOneFrame(Peer peer, DataPipeBenchmark.Messages messages) throws Exception {
		return peer.receiveRaw(ZmqSocketType.PULL, "oneFrame", 0, messages,
				(pull) -> RawTransfer.receiveOneFrame(pull, peer.count));
	}

	@Benchmark
	public long rawTwoFrames(Peer peer, DataPipeBenchmark.Messages messages) throws Exception {
		return peer.receiveRaw(ZmqSocketType.ROUTER, "twoFrames", 0, messages,
				(router) -> RawTransfer.receiveTwoFrames(router, peer.count, 0));
	}

	@Benchmark
	public long rawCredit(Peer peer, DataPipeBenchmark.Batch batch, DataPipeBenchmark.Messages messages)
			throws Exception {
		return peer.receiveRaw(ZmqSocketType.ROUTER, "twoFrames", batch.batchSize, messages,
				(router) -> RawTransfer.receiveTwoFrames(router, peer.count, batch.batchSize));
	}

	/**
	 * The producing JVM and this side's framework pieces, for one payload size.
	 */
	@State(Scope.Benchmark)
	public static class Peer {

		@Param({ "tcp" })
		public String transport;

		@Param({ "64", "4096" })
		public int payloadSize;

		/** The ZeroMQ engine of the services and the raw baselines in both JVMs. */
		@Param({ "jeromq" })
		public String engine;

		int count;

		ButlerFixture fixture;

		ZmqContext zmq;

		private Process process;

		private PrintWriter commands;

		private BufferedReader answers;

		@Setup(Level.Trial)
		public void setUp() throws IOException {
			this.count = (this.payloadSize <= 64) ? 200_000 : 50_000;
			this.fixture = new ButlerFixture(this.engine);
			this.zmq = ZmqEngines.select(this.engine).newContext(1);
			String java = ProcessHandle.current().info().command().orElse("java");
			List<String> command = new ArrayList<>(List.of(java));
			if (Runtime.version().feature() >= 22) {
				command.add("--enable-native-access=ALL-UNNAMED");
			}
			command.addAll(List.of("-D" + ButlerFixture.ENGINE_PROPERTY + "=" + this.engine, "-cp",
					System.getProperty("java.class.path"), PipeProducerProcess.class.getName()));
			this.process = new ProcessBuilder(command)
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			this.commands = new PrintWriter(this.process.getOutputStream(), true, StandardCharsets.UTF_8);
			this.answers = new BufferedReader(new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
		}

		void send(String kind, String address, int batchSize) {
			this.commands.println(kind + " " + address + " " + this.payloadSize + " " + this.count + " " + batchSize);
		}

		void awaitDone() throws IOException {
			String answer = this.answers.readLine();
			if (!"done".equals(answer)) {
				throw new IllegalStateException("The producing JVM answered " + answer);
			}
		}

		long receiveRaw(ZmqSocketType type, String kind, int batchSize, DataPipeBenchmark.Messages messages,
				ToLongFunction<ZmqSocket> receive) throws IOException {
			String address = DataPipeBenchmark.Payload.address("tcp", counter.incrementAndGet());
			ZmqSocket socket = RawTransfer.socket(this.zmq, type, 0);
			try {
				socket.bind(address);
				send(kind, address, batchSize);
				long bytes = receive.applyAsLong(socket);
				awaitDone();
				messages.messages += this.count;
				return bytes;
			}
			finally {
				socket.close();
			}
		}

		@TearDown(Level.Trial)
		public void tearDown() throws InterruptedException {
			this.commands.close();
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
			this.zmq.close();
			this.fixture.close();
		}

	}

}
