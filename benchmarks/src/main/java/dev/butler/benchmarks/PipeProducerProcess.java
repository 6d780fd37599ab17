package dev.butler.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

import dev.butler.control.ManagedMicroService;
import dev.butler.pipe.PipeMode;
import dev.butler.pipe.PipeOptions;
import dev.butler.protocol.Outcome;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * The sending side of {@link PipeAcrossProcessesBenchmark}, in a JVM of its own. Reads one transfer
 * per line on standard input, {@code <kind> <address> <payload size> <count> <batch size>} with kind
 * {@code pipe}, {@code oneFrame} or {@code twoFrames} (batch size 0 for no flow control), connects
 * to the address, sends, and answers {@code done} or {@code error <why>} on standard output once
 * everything went out.
 */
public final class PipeProducerProcess {

	private static final Duration READY_INTERVAL = Duration.ofMillis(100);

	/** How long closing a raw socket waits for what it still holds to go out. */
	private static final int LINGER_MILLIS = 20_000;

	private PipeProducerProcess() {
	}

	public static void main(String[] args) throws Exception {
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		try (ButlerFixture fixture = new ButlerFixture();
				ZmqContext zmq = fixture.engine().newContext(1)) {
			int id = 0;
			String line;
			while ((line = commands.readLine()) != null) {
				String[] words = line.trim().split(" ");
				try {
					byte[] data = new byte[Integer.parseInt(words[2])];
					int count = Integer.parseInt(words[3]);
					int batchSize = Integer.parseInt(words[4]);
					switch (words[0]) {
						case "pipe" -> producePipe(fixture, ++id, words[1], data, count, batchSize);
						case "oneFrame" -> sendRaw(zmq, ZmqSocketType.PUSH, words[1],
								(socket) -> RawTransfer.sendOneFrame(socket, data, count));
						case "twoFrames" -> sendRaw(zmq, ZmqSocketType.DEALER, words[1],
								(socket) -> RawTransfer.sendTwoFrames(socket, data, count, batchSize));
						default -> throw new IllegalArgumentException("Unknown transfer '" + words[0] + "'");
					}
					System.out.println("done");
				}
				catch (Exception ex) {
					System.out.println("error " + ex);
				}
				System.out.flush();
			}
		}
	}

	private static void producePipe(ButlerFixture fixture, int id, String address, byte[] data, int count,
			int batchSize) {
		DataPipeBenchmark.Producer service = new DataPipeBenchmark.Producer(new PipeOptions("bench", address,
				PipeMode.CONNECT, DataPipeBenchmark.FORMAT, batchSize, READY_INTERVAL, true), data, count);
		ManagedMicroService producer = fixture.newService("bench-producer-" + id, service);
		try {
			producer.start();
			DataPipeBenchmark.awaitFinished(producer);
			if (producer.outcome() != Outcome.OK) {
				throw new IllegalStateException("Producer ended with " + producer.outcome() + " " + producer.details());
			}
		}
		finally {
			producer.stop(() -> {
			});
		}
	}

	private static void sendRaw(ZmqContext zmq, ZmqSocketType type, String address, Consumer<ZmqSocket> sends) {
		ZmqSocket socket = RawTransfer.socket(zmq, type, LINGER_MILLIS);
		try {
			socket.connect(address);
			sends.accept(socket);
		}
		finally {
			socket.close();
		}
	}

}
