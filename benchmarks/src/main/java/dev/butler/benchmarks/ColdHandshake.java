package dev.butler.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.butler.protocol.fbdp.FbdpCodec;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.PipeSocket;

/**
 * Time to the answer of the first FBDP OPEN on a freshly started JVM: what Saturnin's client, which
 * allows 100 ms, meets when it connects to a service that has only just reported READY. Each run
 * starts the sample application (or any application with the starter) with one bound
 * {@code saturnin.text.writer} pipe, waits for its "is ready" log line, connects a DEALER, sends
 * OPEN and times the first answer frame from the send; then it ends the stream with CLOSE(OK), which
 * ends the application. The client is warmed up first, so the figure is the server's.
 * <p>
 * Not a JMH benchmark: every sample is the first one of its JVM. Several jars, separated by commas,
 * take turns, so that a comparison is fair on a machine whose load changes. Run it with
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.butler.benchmarks.ColdHandshake \
 *     sample-app/target/sample-app-0.1.0-SNAPSHOT.jar [runs (20)] [extra application arguments...]
 * </pre>
 * System properties:
 * <ul>
 * <li>{@code coldHandshake.client}: {@code jeromq} (default), a raw JeroMQ DEALER, or
 * {@code libzmq}, a DEALER of the native libzmq ({@code libzmq.so.5}, as Saturnin's pyzmq uses),
 * called through JNA. JeroMQ's connecting side now and then never starts the handshake of a fresh
 * connection until its handshake interval (1 s here) expires; such samples are marked "client
 * stall" and left out of the second summary, as they time the client, not the server.</li>
 * <li>{@code coldHandshake.jvmOptions}: options for the application's JVM, e.g. {@code -Xshare:auto}.</li>
 * <li>{@code coldHandshake.echo}: a regular expression; the application's log lines in which it is
 * found are shown, e.g. {@code "Warmed up"} with
 * {@code --logging.level.dev.butler.runtime.ColdStartWarmUp=debug}.</li>
 * </ul>
 */
public final class ColdHandshake {

	private static final String FORMAT = "text/plain;charset=utf-8";

	private static final long READY_TIMEOUT_SECONDS = 120;

	private static final int ANSWER_TIMEOUT_MILLIS = 5000;

	/** Saturnin's client gives up on an answer to OPEN after this long. */
	private static final double SATURNIN_LIMIT_MILLIS = 100;

	private static final Pattern ECHO = Optional.ofNullable(System.getProperty("coldHandshake.echo"))
		.map(Pattern::compile)
		.orElse(null);

	private static final boolean LIBZMQ = "libzmq".equals(System.getProperty("coldHandshake.client", "jeromq"));

	private ColdHandshake() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 1) {
			System.err.println("Usage: ColdHandshake <application jar>[,<another jar>...] [runs (20)] "
					+ "[extra application arguments...]");
			System.exit(2);
		}
		List<Path> jars = Arrays.stream(args[0].split(",")).map(Path::of).toList();
		int runs = (args.length > 1) ? Integer.parseInt(args[1]) : 20;
		List<String> extra = (args.length > 2) ? Arrays.asList(args).subList(2, args.length) : List.of();
		Path directory = Files.createTempDirectory("cold-handshake");
		List<byte[]> open = FbdpCodec.encode(FbdpMessage.open("text", PipeSocket.INPUT, FORMAT));
		List<byte[]> close = FbdpCodec.encode(FbdpMessage.close(FbdpErrorCode.OK));
		Map<Path, List<Sample>> samples = new LinkedHashMap<>();
		jars.forEach((jar) -> samples.put(jar, new ArrayList<>()));
		System.out.println("Client: " + (LIBZMQ ? "libzmq DEALER" : "JeroMQ DEALER") + ", " + runs + " runs of "
				+ jars.stream().map(Path::getFileName).toList());
		try (ZContext zmq = new ZContext()) {
			warmUpClient(zmq, open);
			for (int run = 1; run <= runs; run++) {
				for (Path jar : jars) {
					Sample sample = measure(zmq, jar, extra, directory.resolve("out-" + run + ".txt"), open, close);
					samples.get(jar).add(sample);
					System.out.printf(Locale.ROOT, "run %2d%s: ready after %s ms, first answer %s%n", run,
							(jars.size() > 1) ? " " + jar.getFileName() : "", format(sample.startupMillis()),
							sample.describe());
				}
			}
		}
		samples.forEach((jar, list) -> {
			List<Double> answers = list.stream().map(Sample::answerMillis).filter((millis) -> millis >= 0).toList();
			List<Double> served = list.stream()
				.filter((sample) -> !sample.clientStalled())
				.map(Sample::answerMillis)
				.filter((millis) -> millis >= 0)
				.toList();
			long late = list.stream()
				.filter((sample) -> sample.answerMillis() < 0 || sample.answerMillis() >= SATURNIN_LIMIT_MILLIS)
				.count();
			System.out.println();
			System.out.println(jar.getFileName() + ":");
			System.out.println("  First OPEN answer, ms: " + summary(answers) + "; " + late + " of " + list.size()
					+ " at 100 ms or more, or unanswered");
			if (served.size() < answers.size()) {
				System.out.println("  Without client stalls:  " + summary(served));
			}
			System.out.println("  Start until READY, ms: " + summary(list.stream().map(Sample::startupMillis).toList()));
		});
	}

	/**
	 * Load and exercise this JVM's own JeroMQ and codec paths, and the client's, so that the runs
	 * time the server.
	 */
	private static void warmUpClient(ZContext zmq, List<byte[]> open) {
		try (ZMQ.Socket server = zmq.createSocket(SocketType.ROUTER)) {
			server.setReceiveTimeOut(ANSWER_TIMEOUT_MILLIS);
			int port = server.bindToRandomPort("tcp://127.0.0.1");
			for (int connection = 0; connection < 20; connection++) {
				try (Client client = newClient(zmq)) {
					client.connect("tcp://127.0.0.1:" + port);
					for (int i = 0; i < 100; i++) {
						client.send(open);
						byte[] identity = server.recv();
						List<byte[]> frames = receiveRest(server);
						server.send(identity, ZMQ.SNDMORE);
						server.send(FbdpCodec.header(FbdpCodec.decode(frames).type(), 0, 5));
						client.receive();
					}
				}
			}
		}
	}

	private static Sample measure(ZContext zmq, Path jar, List<String> extra, Path output, List<byte[]> open,
			List<byte[]> close) throws Exception {
		String address = "tcp://127.0.0.1:" + freePort();
		List<String> command = new ArrayList<>(List.of(javaCommand()));
		String jvmOptions = System.getProperty("coldHandshake.jvmOptions", "").strip();
		if (!jvmOptions.isEmpty()) {
			command.addAll(Arrays.asList(jvmOptions.split("\\s+")));
		}
		command.addAll(List.of("-jar", jar.toString(), "--spring.profiles.active=stage",
				"--butler.services.writer.agent=saturnin.text.writer", "--butler.services.writer.filename=" + output,
				"--butler.services.writer.pipe=text", "--butler.services.writer.pipe-address=" + address,
				"--butler.services.writer.pipe-mode=bind"));
		command.addAll(extra);
		long started = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			CompletableFuture<Void> ready = new CompletableFuture<>();
			Thread reader = new Thread(() -> readLog(process, ready), "cold-handshake-log");
			reader.setDaemon(true);
			reader.start();
			ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			double startup = millisSince(started);
			try (Client client = newClient(zmq)) {
				long sent = System.nanoTime();
				client.connect(address);
				client.send(open);
				byte[] first = client.receive();
				double answer = (first != null) ? millisSince(sent) : -1;
				String what = "none";
				if (first != null) {
					List<byte[]> frames = new ArrayList<>(List.of(first));
					frames.addAll(client.receiveRest());
					what = FbdpCodec.decode(frames).toString();
					client.send(close);
				}
				return new Sample(startup, answer, what, client.events(sent), client.stalled());
			}
		}
		finally {
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroy();
				process.waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	private static void readLog(Process process, CompletableFuture<Void> ready) {
		try (BufferedReader log = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = log.readLine()) != null) {
				if (ECHO != null && ECHO.matcher(line).find()) {
					System.out.println("  | " + line);
				}
				if (line.contains("Butler service 'writer' is ready")) {
					ready.complete(null);
				}
				else if (line.contains("APPLICATION FAILED TO START")) {
					ready.completeExceptionally(new IllegalStateException("The application failed to start"));
				}
			}
			ready.completeExceptionally(new IllegalStateException("The application ended before it was ready"));
		}
		catch (IOException ex) {
			ready.completeExceptionally(ex);
		}
	}

	private static Client newClient(ZContext zmq) {
		return LIBZMQ ? new LibZmqClient() : new JeroMqClient(zmq);
	}

	private static List<byte[]> receiveRest(ZMQ.Socket socket) {
		List<byte[]> frames = new ArrayList<>();
		while (socket.hasReceiveMore()) {
			frames.add(socket.recv());
		}
		return frames;
	}

	private static String summary(List<Double> values) {
		if (values.isEmpty()) {
			return "no samples";
		}
		List<Double> sorted = values.stream().sorted().toList();
		return "p50 " + format(percentile(sorted, 50)) + ", p90 " + format(percentile(sorted, 90)) + ", p99 "
				+ format(percentile(sorted, 99)) + ", max " + format(sorted.get(sorted.size() - 1)) + " (n = "
				+ sorted.size() + ")";
	}

	/** Nearest-rank percentile: with 20 samples p99 is the largest. */
	private static double percentile(List<Double> sorted, int percent) {
		int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
		return sorted.get(Math.max(rank, 1) - 1);
	}

	private static String format(double millis) {
		return String.format(Locale.ROOT, "%.1f", millis);
	}

	private static double millisSince(long started) {
		return (System.nanoTime() - started) / 1e6;
	}

	private static String javaCommand() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * One run.
	 *
	 * @param startupMillis from starting the JVM to the service's "is ready" line
	 * @param answerMillis from sending OPEN to the first answer frame, -1 if none came
	 * @param answer the answer
	 * @param events the client's connection events, if it watches them
	 * @param clientStalled whether the client's own first connection never started its handshake
	 */
	private record Sample(double startupMillis, double answerMillis, String answer, List<String> events,
			boolean clientStalled) {

		String describe() {
			String time = (this.answerMillis < 0) ? "none within " + ANSWER_TIMEOUT_MILLIS + " ms"
					: format(this.answerMillis) + " ms";
			String details = (this.answerMillis < 0 || this.answerMillis >= SATURNIN_LIMIT_MILLIS)
					&& !this.events.isEmpty() ? "; client connection events: " + this.events : "";
			return time + " (" + this.answer + details + ")" + (this.clientStalled ? " CLIENT STALL" : "");
		}

	}

	/**
	 * A DEALER that connects to the application.
	 */
	private interface Client extends AutoCloseable {

		void connect(String address);

		void send(List<byte[]> frames);

		/** The next frame, {@code null} after {@link #ANSWER_TIMEOUT_MILLIS}. */
		byte[] receive();

		List<byte[]> receiveRest();

		/** The connection events seen, with their time after {@code sent}. */
		default List<String> events(long sent) {
			return List.of();
		}

		/** Whether the first connection was dropped by the client's own handshake timeout. */
		default boolean stalled() {
			return false;
		}

		@Override
		void close();

	}

	/**
	 * A JeroMQ DEALER, with a monitor of its connection events.
	 */
	private static final class JeroMqClient implements Client {

		private final ZMQ.Socket socket;

		private final ZMQ.Socket monitor;

		private final List<long[]> events = new CopyOnWriteArrayList<>();

		private final Thread watcher;

		private volatile boolean running = true;

		JeroMqClient(ZContext zmq) {
			this.socket = zmq.createSocket(SocketType.DEALER);
			this.socket.setReceiveTimeOut(ANSWER_TIMEOUT_MILLIS);
			this.socket.setHandshakeIvl(1000);
			this.socket.setLinger(1000);
			String address = "inproc://cold-handshake-monitor/" + UUID.randomUUID();
			this.socket.monitor(address, ZMQ.EVENT_ALL);
			this.monitor = zmq.createSocket(SocketType.PAIR);
			this.monitor.setReceiveTimeOut(20);
			this.monitor.connect(address);
			this.watcher = new Thread(() -> {
				while (this.running) {
					ZMQ.Event event = ZMQ.Event.recv(this.monitor);
					if (event != null) {
						this.events.add(new long[] { System.nanoTime(), event.getEvent() });
					}
				}
			}, "cold-handshake-monitor");
			this.watcher.start();
		}

		@Override
		public void connect(String address) {
			this.socket.connect(address);
		}

		@Override
		public void send(List<byte[]> frames) {
			for (int i = 0; i < frames.size(); i++) {
				this.socket.send(frames.get(i), (i < frames.size() - 1) ? ZMQ.SNDMORE : 0);
			}
		}

		@Override
		public byte[] receive() {
			return this.socket.recv();
		}

		@Override
		public List<byte[]> receiveRest() {
			return ColdHandshake.receiveRest(this.socket);
		}

		@Override
		public List<String> events(long sent) {
			return this.events.stream()
				.map((event) -> format((event[0] - sent) / 1e6) + " ms " + eventName((int) event[1]))
				.toList();
		}

		@Override
		public boolean stalled() {
			// The handshake of the first connection never completed, and the client dropped it itself.
			for (long[] event : this.events) {
				if (event[1] == ZMQ.EVENT_HANDSHAKE_PROTOCOL) {
					return false;
				}
				if (event[1] == ZMQ.EVENT_DISCONNECTED) {
					return true;
				}
			}
			return false;
		}

		@Override
		public void close() {
			this.running = false;
			try {
				this.watcher.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.socket.monitor(null, 0);
			this.monitor.close();
			this.socket.close();
		}

		private static String eventName(int event) {
			return switch (event) {
				case ZMQ.EVENT_CONNECTED -> "CONNECTED";
				case ZMQ.EVENT_CONNECT_DELAYED -> "CONNECT_DELAYED";
				case ZMQ.EVENT_CONNECT_RETRIED -> "CONNECT_RETRIED";
				case ZMQ.EVENT_DISCONNECTED -> "DISCONNECTED";
				case ZMQ.EVENT_CLOSED -> "CLOSED";
				case ZMQ.EVENT_HANDSHAKE_PROTOCOL -> "HANDSHAKE_PROTOCOL";
				default -> "event " + event;
			};
		}

	}

	/**
	 * A DEALER of the native libzmq, as Saturnin's client uses, through JNA.
	 */
	private static final class LibZmqClient implements Client {

		private static final int DEALER = 5;

		private static final int SNDMORE = 2;

		private static final int ZMQ_LINGER = 17;

		private static final int ZMQ_RCVMORE = 13;

		private static final int ZMQ_RCVTIMEO = 27;

		private static final int BUFFER = 64 * 1024;

		private static final LibZmq libzmq = Native.load("zmq", LibZmq.class);

		private final Pointer context;

		private final Pointer socket;

		LibZmqClient() {
			this.context = libzmq.zmq_ctx_new();
			this.socket = libzmq.zmq_socket(this.context, DEALER);
			libzmq.zmq_setsockopt(this.socket, ZMQ_RCVTIMEO, new IntByReference(ANSWER_TIMEOUT_MILLIS),
					new NativeLong(4));
			libzmq.zmq_setsockopt(this.socket, ZMQ_LINGER, new IntByReference(1000), new NativeLong(4));
		}

		@Override
		public void connect(String address) {
			check(libzmq.zmq_connect(this.socket, address), "connect");
		}

		@Override
		public void send(List<byte[]> frames) {
			for (int i = 0; i < frames.size(); i++) {
				byte[] frame = frames.get(i);
				check(libzmq.zmq_send(this.socket, frame, new NativeLong(frame.length),
						(i < frames.size() - 1) ? SNDMORE : 0), "send");
			}
		}

		@Override
		public byte[] receive() {
			byte[] buffer = new byte[BUFFER];
			int size = libzmq.zmq_recv(this.socket, buffer, new NativeLong(BUFFER), 0);
			return (size < 0) ? null : Arrays.copyOf(buffer, Math.min(size, BUFFER));
		}

		@Override
		public List<byte[]> receiveRest() {
			List<byte[]> frames = new ArrayList<>();
			IntByReference more = new IntByReference();
			LongByReference size = new LongByReference(4);
			while (libzmq.zmq_getsockopt(this.socket, ZMQ_RCVMORE, more, size) == 0 && more.getValue() != 0) {
				frames.add(receive());
			}
			return frames;
		}

		@Override
		public void close() {
			libzmq.zmq_close(this.socket);
			libzmq.zmq_ctx_term(this.context);
		}

		private static void check(int result, String operation) {
			if (result < 0) {
				throw new IllegalStateException("libzmq " + operation + " failed: errno " + libzmq.zmq_errno());
			}
		}

		/**
		 * The part of libzmq's C API the client uses.
		 */
		public interface LibZmq extends Library {

			Pointer zmq_ctx_new();

			int zmq_ctx_term(Pointer context);

			Pointer zmq_socket(Pointer context, int type);

			int zmq_setsockopt(Pointer socket, int option, IntByReference value, NativeLong size);

			int zmq_getsockopt(Pointer socket, int option, IntByReference value, LongByReference size);

			int zmq_connect(Pointer socket, String address);

			int zmq_send(Pointer socket, byte[] buffer, NativeLong length, int flags);

			int zmq_recv(Pointer socket, byte[] buffer, NativeLong length, int flags);

			int zmq_close(Pointer socket);

			int zmq_errno();

		}

	}

}
