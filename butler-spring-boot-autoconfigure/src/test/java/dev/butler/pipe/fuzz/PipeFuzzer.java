package dev.butler.pipe.fuzz;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.butler.pipe.PipeRole;
import dev.butler.protocol.ZmqFrames;
import dev.butler.protocol.fbdp.FbdpCodec;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpFlags;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.FbdpMessageType;
import dev.butler.protocol.fbdp.FbdpProtocolException;
import dev.butler.protocol.fbdp.PipeSocket;

/**
 * Fuzzes a bound FBDP pipe over tcp from raw JeroMQ DEALER sockets in a context of its own, and
 * checks that it goes on serving: random frames, mutated valid messages, valid messages in the
 * wrong state, short-lived clients that send OPEN and vanish, and random walks through sessions,
 * from several threads at once.
 * <p>
 * Input is sent in rounds of a few hundred messages. After each round every fuzzing socket is
 * closed and a fresh client sends a clean OPEN: it must be answered within
 * {@link #ANSWER_TIMEOUT}, with READY, or with CLOSE(2) "already has a client" for no longer than
 * {@link #VANISH_GRACE}, as no live client is left to hold the session. A try that a service
 * ending by design cuts short, refused as "closing" or lost with the socket of the run that ended,
 * is repeated; the two are counted apart. Every fourth round a client holds a session while
 * another is refused, then leaves, and the next must be served. A target
 * that serves client after client must also serve a clean client within {@link #ANSWER_TIMEOUT}
 * after {@link #CHURN_CLIENTS} clients sent OPEN and vanished one after the other, and again after
 * as many vanished in the middle of a batch, before and after the fuzzing. At the end a clean full
 * session must succeed, and the JVM's threads, open files and heap after GC must not have grown
 * beyond a small margin. A thread of the JVM that dies, e.g. a ZeroMQ I/O thread of the server,
 * fails the run.
 * <p>
 * Every failure names the target, the check and the seed; {@code -Dfuzz.seed} repeats the input
 * (the interleaving of the threads may differ; {@code -Dfuzz.threads=1} sends it in order).
 */
public final class PipeFuzzer {

	/** The longest a clean OPEN may wait for an answer. */
	public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * The longest a pipe may refuse a clean client with "already has a client" after the client
	 * that held its session vanished.
	 */
	public static final Duration VANISH_GRACE = Duration.ofSeconds(5);

	/** Clients that open and vanish one after the other in the churn check. */
	public static final int CHURN_CLIENTS = 200;

	/** Tries of a clean OPEN that a restart of the service may cut short, in one check. */
	private static final int RESTARTS_PER_CHECK = 5;

	/** "Is closing" refusals a clean OPEN may get in one check, 100 ms apart, while the service settles. */
	private static final int CLOSING_REFUSALS_PER_CHECK = 50;

	private static final int THREAD_MARGIN = 3;

	private static final int FD_MARGIN = 24;

	private static final long HEAP_MARGIN = 24L * 1024 * 1024;

	private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(15);

	private final long seed;

	private final long inputs;

	private final int threads;

	private final int roundSize;

	/**
	 * Create a fuzzer.
	 * @param seed the seed of all random input
	 * @param inputs how many messages to send
	 * @param threads how many threads send them at once
	 * @param roundSize messages per round, between liveness checks
	 */
	public PipeFuzzer(long seed, long inputs, int threads, int roundSize) {
		this.seed = seed;
		this.inputs = inputs;
		this.threads = threads;
		this.roundSize = roundSize;
	}

	/**
	 * Create a fuzzer from the system properties {@code fuzz.seed} (random if not set),
	 * {@code fuzz.threads} (3) and {@code fuzz.round} (250), sending {@code inputs} messages.
	 * @param inputs how many messages to send
	 * @return the fuzzer
	 */
	public static PipeFuzzer withSystemProperties(long inputs) {
		long seed = Long.getLong("fuzz.seed", new Random().nextLong());
		return new PipeFuzzer(seed, inputs, Integer.getInteger("fuzz.threads", 3), Integer.getInteger("fuzz.round", 250));
	}

	/**
	 * Return the seed.
	 * @return the seed of all random input
	 */
	public long seed() {
		return this.seed;
	}

	/**
	 * Fuzz a target.
	 * @param target the bound pipe
	 * @param fullSession a clean full session run at the end, throwing if it fails
	 * @return what was sent and measured
	 * @throws AssertionError naming the check that failed, the target and the seed
	 */
	public Report run(Target target, FullSession fullSession) {
		return new Run(target, fullSession).run();
	}

	/**
	 * A bound pipe to fuzz.
	 *
	 * @param name a name for reports, e.g. {@code text reader}
	 * @param address the tcp address it is bound to
	 * @param pipe the pipe name a client names in OPEN
	 * @param serverRole the role of the bound endpoint
	 * @param dataFormat a format it serves
	 * @param server the service it belongs to
	 * @param servesClientAfterClient whether one service run serves any number of clients, so that
	 * the churn check applies; a filter stops once both its pipes closed
	 */
	public record Target(String name, String address, String pipe, PipeRole serverRole, String dataFormat,
			Server server, boolean servesClientAfterClient) {

		/**
		 * Return the pipe socket a client names in OPEN.
		 * @return the socket
		 */
		public PipeSocket clientSocket() {
			return this.serverRole.serverSocket();
		}

	}

	/**
	 * The service of a target, watched while it is fuzzed.
	 */
	public interface Server {

		/**
		 * Say why the service ended.
		 * @return its state, outcome and details, {@code null} while it runs
		 */
		String ended();

		/**
		 * Whether the service may end for that reason by design: it is then started again, and
		 * counted. Any other end fails the run.
		 * @param why what {@link #ended()} said
		 * @return whether that end is expected
		 */
		boolean mayEnd(String why);

		/**
		 * Start the service again after it ended, and wait until it is ready.
		 */
		void start();

		/**
		 * Count the actions the service has scheduled: cancelled ones must not pile up.
		 * @return the number of scheduled actions
		 */
		int scheduledActions();

		/**
		 * Describe the service's pipes: state, peer and counts, for a failure report.
		 * @return the description
		 */
		String pipes();

		/**
		 * Identify the current run of the service: another value as soon as a new run begins,
		 * before it is ready, so that a run that ended and was replaced meanwhile is told.
		 * @return the identity of the run, {@code null} before the first
		 */
		String run();

	}

	/**
	 * A clean full session at the end of a run.
	 */
	@FunctionalInterface
	public interface FullSession {

		/**
		 * Run the session, throwing if it fails.
		 * @param clients sockets in the fuzzer's context
		 * @throws Exception if the session fails
		 */
		void run(Clients clients) throws Exception;

	}

	/**
	 * The JVM's resources at one moment.
	 *
	 * @param threads live threads
	 * @param fds open file descriptors, -1 where they cannot be counted
	 * @param heap bytes of heap in use after a full GC
	 */
	public record Resources(int threads, long fds, long heap) {

		static Resources measure() {
			for (int i = 0; i < 3; i++) {
				System.gc();
				sleep(50);
			}
			File[] fds = new File("/proc/self/fd").listFiles();
			return new Resources(ManagementFactory.getThreadMXBean().getThreadCount(), (fds != null) ? fds.length : -1,
					ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}

		boolean within(Resources base) {
			return this.threads <= base.threads + THREAD_MARGIN
					&& (this.fds < 0 || base.fds < 0 || this.fds <= base.fds + FD_MARGIN)
					&& this.heap <= base.heap + HEAP_MARGIN + base.heap / 10;
		}

	}

	/**
	 * What a run sent and measured.
	 *
	 * @param target the target name
	 * @param seed the seed
	 * @param inputs messages sent
	 * @param clients fuzzing sockets opened
	 * @param answers messages the target sent back to fuzzing sockets
	 * @param livenessChecks clean OPENs answered in time
	 * @param slowestAnswer the slowest answer to a clean OPEN
	 * @param longestRefusal the longest a clean client was refused with "already has a client"
	 * after the previous client left
	 * @param restarts times the service ended by design and was started again
	 * @param fuzzing time spent sending input
	 * @param duration time of the whole run
	 * @param before resources after warm-up
	 * @param after resources at the end
	 */
	public record Report(String target, long seed, long inputs, long clients, long answers, int livenessChecks,
			Duration slowestAnswer, Duration longestRefusal, int restarts, Duration fuzzing, Duration duration, Resources before,
			Resources after) {

		/**
		 * Return the messages sent per second of fuzzing.
		 * @return the rate
		 */
		public double inputsPerSecond() {
			return this.inputs / Math.max(this.fuzzing.toNanos() / 1e9, 1e-9);
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"%s: %d inputs from %d clients in %.1f s (%.0f inputs/s, run %.1f s), seed %d, 0 lock-ups, "
							+ "%d answers, %d liveness checks (slowest answer %d ms, longest refused %d ms), %d restarts; "
							+ "threads %d -> %d, "
							+ "fds %d -> %d, heap after GC %.1f -> %.1f MB",
					this.target, this.inputs, this.clients, this.fuzzing.toMillis() / 1000.0, inputsPerSecond(),
					this.duration.toMillis() / 1000.0, this.seed, this.answers, this.livenessChecks,
					this.slowestAnswer.toMillis(), this.longestRefusal.toMillis(), this.restarts, this.before.threads, this.after.threads,
					this.before.fds, this.after.fds, this.before.heap / 1048576.0, this.after.heap / 1048576.0);
		}

	}

	/**
	 * Sockets and clean sessions for a {@link FullSession}.
	 */
	public static final class Clients {

		private final ZContext zmq;

		private final Target target;

		Clients(ZContext zmq, Target target) {
			this.zmq = zmq;
			this.target = target;
		}

		/**
		 * Connect a DEALER with a short handshake interval, linger of 1 s and a 5 s receive timeout.
		 * @param address the address
		 * @return the socket; close it
		 */
		public ZMQ.Socket connect(String address) {
			ZMQ.Socket socket = this.zmq.createSocket(SocketType.DEALER);
			socket.setHandshakeIvl(500);
			socket.setLinger(1000);
			socket.setReceiveTimeOut(5000);
			socket.setSendTimeOut(5000);
			socket.connect(address);
			return socket;
		}

		/**
		 * Return the fuzzed target.
		 * @return the target
		 */
		public Target target() {
			return this.target;
		}

		/**
		 * Open a producing pipe as its consumer and take everything it sends until CLOSE(OK).
		 * @param address the pipe's address
		 * @param pipe the pipe name
		 * @param dataFormat the format
		 * @return the payloads
		 */
		public List<byte[]> consume(String address, String pipe, String dataFormat) {
			try (ZMQ.Socket socket = connect(address)) {
				send(socket, FbdpMessage.open(pipe, PipeSocket.OUTPUT, dataFormat));
				List<byte[]> payloads = new ArrayList<>();
				while (true) {
					FbdpMessage message = receive(socket, "consuming '" + pipe + "'");
					if (message instanceof FbdpMessage.Ready ready && ready.batchSize() > 0) {
						send(socket, FbdpMessage.ready(ready.batchSize()));
					}
					else if (message instanceof FbdpMessage.Data data && !data.hasAckReply()) {
						payloads.add((data.payload() != null) ? data.payload() : new byte[0]);
					}
					else if (message instanceof FbdpMessage.Close close) {
						if (close.code() != FbdpErrorCode.OK) {
							throw new AssertionError("Pipe '" + pipe + "' closed with " + close.code() + ": " + close.errors());
						}
						return payloads;
					}
				}
			}
		}

		/**
		 * Open a consuming pipe as its producer, send the payloads in the batches it asks for,
		 * and close with OK.
		 * @param address the pipe's address
		 * @param pipe the pipe name
		 * @param dataFormat the format
		 * @param payloads what to send
		 */
		public void produce(String address, String pipe, String dataFormat, List<byte[]> payloads) {
			try (ZMQ.Socket socket = connect(address)) {
				send(socket, FbdpMessage.open(pipe, PipeSocket.INPUT, dataFormat));
				int next = 0;
				while (true) {
					FbdpMessage message = receive(socket, "producing into '" + pipe + "'");
					if (message instanceof FbdpMessage.Close close) {
						throw new AssertionError("Pipe '" + pipe + "' closed with " + close.code() + " while producing: "
								+ close.errors());
					}
					if (!(message instanceof FbdpMessage.Ready ready) || ready.batchSize() == 0) {
						continue;
					}
					if (next == payloads.size()) {
						send(socket, FbdpMessage.close(FbdpErrorCode.OK));
						return;
					}
					int batch = Math.min(ready.batchSize(), payloads.size() - next);
					send(socket, FbdpMessage.ready(batch));
					for (int i = 0; i < batch; i++) {
						send(socket, FbdpMessage.data(payloads.get(next++)));
					}
				}
			}
		}

		private static void send(ZMQ.Socket socket, FbdpMessage message) {
			if (!ZmqFrames.toZMsg(FbdpCodec.encode(message)).send(socket)) {
				throw new AssertionError("Could not send " + message.type());
			}
		}

		private static FbdpMessage receive(ZMQ.Socket socket, String what) {
			ZMsg message = ZMsg.recvMsg(socket);
			if (message == null) {
				throw new AssertionError("No answer within 5 s while " + what);
			}
			return FbdpCodec.decode(ZmqFrames.of(message));
		}

	}

	/**
	 * One run against one target.
	 */
	private final class Run {

		private final Target target;

		private final FullSession fullSession;

		private final AtomicLong sent = new AtomicLong();

		private final AtomicLong scenarios = new AtomicLong();

		private final AtomicLong clients = new AtomicLong();

		private final AtomicLong answers = new AtomicLong();

		private final AtomicInteger restarts = new AtomicInteger();

		private final AtomicReference<String> failure = new AtomicReference<>();

		private final Deque<String> recent = new ArrayDeque<>();

		private int livenessChecks;

		private volatile boolean keeperActive;

		private Duration slowestAnswer = Duration.ZERO;

		private Duration longestRefusal = Duration.ZERO;

		private int round;

		private ZContext zmq;

		Run(Target target, FullSession fullSession) {
			this.target = target;
			this.fullSession = fullSession;
		}

		Report run() {
			long start = System.nanoTime();
			Thread keeper = null;
			Thread.UncaughtExceptionHandler previousHandler = Thread.getDefaultUncaughtExceptionHandler();
			Thread.setDefaultUncaughtExceptionHandler(this::uncaught);
			try (ZContext zmq = new ZContext()) {
				// Named apart from the server's "iothread-…", so that a failure can say whose died.
				zmq.setThreadFactor((runnable, name) -> {
					Thread thread = new Thread(runnable, "fuzz-client-" + name);
					thread.setDaemon(true);
					return thread;
				});
				this.zmq = zmq;
				liveness("warm-up");
				Resources before = Resources.measure();
				int actionsBefore = this.target.server().scheduledActions();
				keeper = startKeeper();
				if (PipeFuzzer.this.inputs > 0 && this.target.servesClientAfterClient()) {
					churn();
				}
				long fuzzStart = System.nanoTime();
				long fuzzTime = 0;
				while (this.sent.get() < PipeFuzzer.this.inputs) {
					this.round++;
					long roundStart = System.nanoTime();
					fuzzRound(Math.min(this.sent.get() + PipeFuzzer.this.roundSize, PipeFuzzer.this.inputs));
					fuzzTime += System.nanoTime() - roundStart;
					checkFailure();
					if (this.round % 4 == 0) {
						holder();
					}
					else {
						liveness("after round " + this.round);
					}
				}
				if (PipeFuzzer.this.inputs > 0 && this.target.servesClientAfterClient()) {
					churn();
				}
				stopKeeper(keeper);
				keeper = null;
				checkFailure();
				try {
					awaitRunning();
					this.fullSession.run(new Clients(zmq, this.target));
				}
				catch (Exception | AssertionError ex) {
					throw fail("the clean full session at the end failed: " + ex, ex);
				}
				int actionsAfter = this.target.server().scheduledActions();
				if (actionsAfter > actionsBefore + 5) {
					throw fail("the service has " + actionsAfter + " scheduled actions, " + actionsBefore
							+ " before the fuzzing: cancelled actions pile up");
				}
				Resources after = settle(before);
				Report report = new Report(this.target.name(), PipeFuzzer.this.seed, this.sent.get(), this.clients.get(),
						this.answers.get(), this.livenessChecks, this.slowestAnswer, this.longestRefusal, this.restarts.get(),
						Duration.ofNanos((fuzzTime > 0) ? fuzzTime : System.nanoTime() - fuzzStart),
						Duration.ofNanos(System.nanoTime() - start), before, after);
				if (!after.within(before)) {
					throw fail("resources grew beyond the margin (threads +" + THREAD_MARGIN + ", fds +" + FD_MARGIN
							+ ", heap +" + (HEAP_MARGIN >> 20) + " MB + 10 %): " + report);
				}
				return report;
			}
			finally {
				stopKeeper(keeper);
				Thread.setDefaultUncaughtExceptionHandler(previousHandler);
			}
		}

		/**
		 * A thread of the JVM died, e.g. a ZeroMQ I/O thread of the server: every socket of its
		 * context goes deaf, which the liveness check would only report as a lock-up.
		 */
		private void uncaught(Thread thread, Throwable ex) {
			StringBuilder trace = new StringBuilder();
			StackTraceElement[] frames = ex.getStackTrace();
			for (int i = 0; i < Math.min(frames.length, 6); i++) {
				trace.append("\n    at ").append(frames[i]);
			}
			this.failure.compareAndSet(null, "thread '" + thread.getName() + "' died"
					+ (thread.getName().startsWith("iothread-") ? " (a ZeroMQ I/O thread of the server)" : "") + ": "
					+ ex + trace);
			ex.printStackTrace();
		}

		private void fuzzRound(long end) {
			List<Thread> workers = new ArrayList<>();
			for (int i = 0; i < PipeFuzzer.this.threads; i++) {
				Thread worker = new Thread(() -> work(end), "fuzz-" + this.target.name() + "-" + i);
				worker.setUncaughtExceptionHandler((thread, ex) -> this.failure.compareAndSet(null,
						"fuzzing thread " + thread.getName() + " failed: " + ex));
				workers.add(worker);
				worker.start();
			}
			for (Thread worker : workers) {
				try {
					worker.join();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw fail("interrupted", ex);
				}
			}
		}

		private void work(long end) {
			Worker worker = new Worker();
			try {
				while (this.sent.get() < end && this.failure.get() == null) {
					long scenario = this.scenarios.getAndIncrement();
					worker.scenario(new Random(PipeFuzzer.this.seed * 0x9E3779B97F4A7C15L + scenario), scenario);
				}
			}
			finally {
				worker.close();
			}
		}

		/**
		 * Fuzzing sockets of one thread: a long-lived stranger that is never the session's client
		 * unless its input happens to be a valid OPEN, and a fresh socket per session scenario.
		 */
		private final class Worker {

			private final ZMQ.Socket stranger = socket(0);

			private FuzzMessages messages;

			void scenario(Random random, long number) {
				this.messages = new FuzzMessages(random, Run.this.target.pipe(), Run.this.target.clientSocket());
				int kind = random.nextInt(100);
				if (kind < 20) {
					send(this.stranger, this.messages.garbage(), number, "garbage");
				}
				else if (kind < 50) {
					send(this.stranger, this.messages.mutant(), number, "mutant");
				}
				else if (kind < 60) {
					send(this.stranger, random.nextBoolean() ? this.messages.anyValid() : this.messages.closeWithGarbage(),
							number, "out of session");
				}
				else if (kind < 75) {
					abrupt(random, number);
				}
				else {
					walk(random, number);
				}
				drain(this.stranger, 0);
			}

			/**
			 * OPEN, then close at once with a small linger.
			 */
			private void abrupt(Random random, long number) {
				ZMQ.Socket socket = socket(random.nextInt(51));
				try {
					send(socket, this.messages.open(), number, "abrupt OPEN");
					if (random.nextInt(4) == 0) {
						drain(socket, random.nextInt(3));
					}
				}
				finally {
					socket.close();
				}
			}

			/**
			 * A session that follows the protocol for a while, with wrong messages in between, and
			 * ends in one of several ways.
			 */
			private void walk(Random random, long number) {
				ZMQ.Socket socket = socket(random.nextInt(101));
				Session session = new Session();
				try {
					send(socket, this.messages.open(), number, "walk OPEN");
					int steps = 1 + random.nextInt(12);
					for (int step = 0; step < steps; step++) {
						int choice = random.nextInt(100);
						if (choice < 25) {
							session.took(drain(socket, (random.nextInt(4) == 0) ? random.nextInt(20) : 0));
						}
						else if (choice < 65) {
							next(socket, session, random, number);
						}
						else if (choice < 85) {
							send(socket, this.messages.anyValid(), number, "walk wrong state");
						}
						else if (choice < 95) {
							send(socket, this.messages.mutant(), number, "walk mutant");
						}
						else {
							send(socket, this.messages.closeWithGarbage(), number, "walk CLOSE garbage");
						}
					}
					switch (random.nextInt(4)) {
						case 0 -> send(socket, this.messages.close(0), number, "walk CLOSE(OK)");
						case 1 -> send(socket, this.messages.close(1 + random.nextInt(6)), number, "walk CLOSE(error)");
						case 2 -> drain(socket, random.nextInt(10));
						default -> {
							// vanish
						}
					}
				}
				finally {
					socket.close();
				}
			}

			/**
			 * The message the protocol expects next from the client, as far as it knows.
			 */
			private void next(ZMQ.Socket socket, Session session, Random random, long number) {
				boolean producing = Run.this.target.serverRole() == PipeRole.CONSUMER;
				if (producing && session.granted > 0) {
					session.granted--;
					send(socket, this.messages.data(this.messages.payload()), number, "walk DATA");
				}
				else if (session.offered >= 0) {
					int granted = (session.offered == 0) ? 0 : random.nextInt(session.offered + 1);
					session.offered = -1;
					session.granted = producing ? granted : 0;
					send(socket, this.messages.ready(granted), number, "walk READY");
				}
				else if (random.nextBoolean()) {
					List<byte[]> noop = new ArrayList<>();
					noop.add(FbdpCodec.header(FbdpMessageType.NOOP, FbdpFlags.ACK_REQ, 0));
					send(socket, noop, number, "walk NOOP");
				}
				else {
					session.took(drain(socket, 10));
				}
			}

			void close() {
				this.stranger.close();
			}

		}

		/**
		 * What a walking client knows of its session.
		 */
		private static final class Session {

			/** The batch the server offered and the client has not answered, -1 for none. */
			int offered = -1;

			/** DATA messages the client may still send in its batch. */
			int granted;

			void took(List<FbdpMessage> answers) {
				for (FbdpMessage answer : answers) {
					if (answer instanceof FbdpMessage.Ready ready && !ready.hasAckReply()) {
						this.offered = ready.batchSize();
						this.granted = 0;
					}
					else if (answer instanceof FbdpMessage.Close) {
						this.offered = -1;
						this.granted = 0;
					}
				}
			}

		}

		private ZMQ.Socket socket(int linger) {
			ZMQ.Socket socket = this.zmq.createSocket(SocketType.DEALER);
			socket.setHandshakeIvl(500);
			socket.setLinger(linger);
			socket.setSendTimeOut(100);
			socket.connect(this.target.address());
			this.clients.incrementAndGet();
			return socket;
		}

		private void send(ZMQ.Socket socket, List<byte[]> frames, long scenario, String what) {
			remember("#" + scenario + " " + what + " " + FuzzMessages.describe(frames));
			ZmqFrames.toZMsg(frames).send(socket);
			this.sent.incrementAndGet();
		}

		/**
		 * Take what the target sent, waiting up to {@code waitMillis} for the first message, and
		 * check that each is a valid FBDP message and no internal error.
		 */
		private List<FbdpMessage> drain(ZMQ.Socket socket, int waitMillis) {
			List<FbdpMessage> taken = new ArrayList<>();
			socket.setReceiveTimeOut(waitMillis);
			ZMsg message;
			while ((message = (taken.isEmpty() && waitMillis > 0) ? ZMsg.recvMsg(socket)
					: ZMsg.recvMsg(socket, ZMQ.DONTWAIT)) != null) {
				this.answers.incrementAndGet();
				taken.add(checkAnswer(message));
			}
			return taken;
		}

		private FbdpMessage checkAnswer(ZMsg message) {
			FbdpMessage answer;
			try {
				answer = FbdpCodec.decode(ZmqFrames.of(message));
			}
			catch (FbdpProtocolException ex) {
				this.failure.compareAndSet(null, "the target sent an invalid FBDP message: " + ex.getMessage());
				return FbdpMessage.noop();
			}
			if (answer instanceof FbdpMessage.Close close && close.code() == FbdpErrorCode.INTERNAL_ERROR) {
				this.failure.compareAndSet(null, "the target answered with CLOSE(INTERNAL_ERROR): " + close.errors());
			}
			return answer;
		}

		/**
		 * A fresh client sends a clean OPEN: it must be answered within {@link #ANSWER_TIMEOUT},
		 * with READY, or with "already has a client" for at most {@link #VANISH_GRACE}; the session
		 * is then closed with OK.
		 */
		private void liveness(String when) {
			try (ZMQ.Socket socket = establish(when)) {
				sendClean(socket, FbdpMessage.close(FbdpErrorCode.OK));
			}
		}

		/**
		 * Open a clean session as {@link #liveness} does, and return its socket. A service that
		 * ends by design may cut a try short: one that stops refuses new sessions with "is closing"
		 * while its pipes settle, and a clean OPEN that reaches it after its last read, before its
		 * socket closes, is lost with the connection (ZeroMQ takes in what arrives until then). Such
		 * tries count apart, as closing refusals and as restarts, and only a try that got no answer
		 * while the same run went on serving is a lock-up.
		 */
		private ZMQ.Socket establish(String when) {
			long firstTry = System.nanoTime();
			long refusedUntil = firstTry + VANISH_GRACE.toNanos();
			int restartsSeen = 0;
			int closingRefusals = 0;
			String lastRefusal = null;
			while (true) {
				awaitRunning();
				int restartsBefore = this.restarts.get();
				String runBefore = this.target.server().run();
				ZMQ.Socket socket = this.zmq.createSocket(SocketType.DEALER);
				socket.setHandshakeIvl(500);
				socket.setLinger(1000);
				socket.setSendTimeOut(1000);
				socket.connect(this.target.address());
				boolean kept = false;
				try {
					long sentAt = System.nanoTime();
					sendClean(socket, FbdpMessage.open(this.target.pipe(), this.target.clientSocket(),
							this.target.dataFormat()));
					FbdpMessage answer = receiveClean(socket, ANSWER_TIMEOUT);
					Duration latency = Duration.ofNanos(System.nanoTime() - sentAt);
					boolean restarted = this.target.server().ended() != null || this.restarts.get() != restartsBefore
							|| !Objects.equals(runBefore, this.target.server().run());
					if (answer == null) {
						if (restarted && ++restartsSeen < RESTARTS_PER_CHECK) {
							continue;
						}
						checkFailure();
						throw fail("LOCK-UP " + when + ": a clean OPEN on a fresh socket got no answer within "
								+ ANSWER_TIMEOUT.toMillis() + " ms (server: " + state() + "; this check saw " + closingRefusals
								+ " closing refusal(s) and " + restartsSeen + " restart(s))\nPipes: "
								+ this.target.server().pipes() + "\n" + serverThreads() + "\n" + probeFromFreshContext());
					}
					record(latency);
					if (answer instanceof FbdpMessage.Ready) {
						if (lastRefusal != null) {
							Duration refused = Duration.ofNanos(System.nanoTime() - firstTry);
							if (refused.compareTo(this.longestRefusal) > 0) {
								this.longestRefusal = refused;
							}
						}
						kept = true;
						return socket;
					}
					if (answer instanceof FbdpMessage.Close close && isAlreadyHasClient(close)) {
						lastRefusal = describe(close);
						if (System.nanoTime() < refusedUntil) {
							sleep(100);
							continue;
						}
						throw fail("STUCK SESSION " + when + ": no client holds the session, yet a clean client was "
								+ "still refused after " + VANISH_GRACE.toMillis() + " ms with " + lastRefusal);
					}
					if (answer instanceof FbdpMessage.Close close && isClosing(close)
							&& ++closingRefusals < CLOSING_REFUSALS_PER_CHECK) {
						// The service ends by design (a filter whose pipes both closed) and refuses new sessions
						// while its pipes settle: wait for it to be started again.
						sleep(100);
						continue;
					}
					if (restarted && ++restartsSeen < RESTARTS_PER_CHECK) {
						continue;
					}
					throw fail("a clean OPEN " + when + " was answered with " + describe(answer));
				}
				finally {
					if (!kept) {
						socket.close();
					}
				}
			}
		}

		/**
		 * After a lock-up: whether the target answers a clean OPEN from a socket in a ZeroMQ
		 * context of its own, which tells a deaf server from trouble on the fuzzer's side.
		 */
		private String probeFromFreshContext() {
			try (ZContext fresh = new ZContext(); ZMQ.Socket probe = fresh.createSocket(SocketType.DEALER)) {
				probe.setLinger(0);
				probe.connect(this.target.address());
				long sentAt = System.nanoTime();
				sendClean(probe, FbdpMessage.open(this.target.pipe(), this.target.clientSocket(), this.target.dataFormat()));
				probe.setReceiveTimeOut((int) ANSWER_TIMEOUT.toMillis());
				ZMsg answer = ZMsg.recvMsg(probe);
				long millis = (System.nanoTime() - sentAt) / 1_000_000;
				return "A clean OPEN from a fresh ZeroMQ context afterwards: " + ((answer != null)
						? "answered with " + describe(FbdpCodec.decode(ZmqFrames.of(answer))) + " in " + millis + " ms"
						: "no answer within " + ANSWER_TIMEOUT.toMillis() + " ms");
			}
			catch (RuntimeException ex) {
				return "A clean OPEN from a fresh ZeroMQ context afterwards failed: " + ex;
			}
		}

		/**
		 * A client holds a session: another must be refused with "already has a client" in time,
		 * the holder must still be served, and once it leaves, abruptly or with CLOSE(OK), the next
		 * client must be served.
		 */
		private void holder() {
			String when = "after round " + this.round;
			boolean abrupt = new Random(PipeFuzzer.this.seed + this.round).nextBoolean();
			try (ZMQ.Socket holder = establish(when + " (session holder)")) {
				if (!secondClientRefused(when) || !holderServed(holder, when)) {
					return;
				}
				if (abrupt) {
					holder.setLinger(0);
				}
				else {
					sendClean(holder, FbdpMessage.close(FbdpErrorCode.OK));
				}
			}
			liveness(when + ", after the session holder left " + (abrupt ? "abruptly" : "with CLOSE(OK)"));
		}

		/**
		 * Whether a second client was refused with "already has a client"; {@code false} if the
		 * service ended meanwhile by design.
		 */
		private boolean secondClientRefused(String when) {
			try (ZMQ.Socket probe = this.zmq.createSocket(SocketType.DEALER)) {
				probe.setHandshakeIvl(500);
				probe.setLinger(0);
				probe.connect(this.target.address());
				sendClean(probe, FbdpMessage.open(this.target.pipe(), this.target.clientSocket(), this.target.dataFormat()));
				FbdpMessage answer = receiveClean(probe, ANSWER_TIMEOUT);
				if (this.target.server().ended() != null) {
					return false;
				}
				if (answer == null) {
					throw fail("LOCK-UP " + when + ": a second client's OPEN got no answer within "
							+ ANSWER_TIMEOUT.toMillis() + " ms while a live client held the session");
				}
				record(Duration.ZERO);
				if (!(answer instanceof FbdpMessage.Close close && isAlreadyHasClient(close))) {
					throw fail("a second client " + when + " was answered with " + describe(answer)
							+ " while a live client held the session");
				}
				return true;
			}
		}

		/**
		 * Whether the session holder's NOOP(ACK_REQ) was acknowledged; {@code false} if the
		 * service ended meanwhile by design.
		 */
		private boolean holderServed(ZMQ.Socket holder, String when) {
			ZmqFrames.toZMsg(List.of(FbdpCodec.header(FbdpMessageType.NOOP, FbdpFlags.ACK_REQ, 7))).send(holder);
			FbdpMessage ack = receiveClean(holder, ANSWER_TIMEOUT);
			// READY(0) again, or NOOPs that probe whether the client is still there, may come first.
			while (ack instanceof FbdpMessage.Ready || ack instanceof FbdpMessage.Data
					|| (ack instanceof FbdpMessage.Noop noop && !noop.hasAckReply())) {
				ack = receiveClean(holder, ANSWER_TIMEOUT);
			}
			if (this.target.server().ended() != null) {
				return false;
			}
			if (!(ack instanceof FbdpMessage.Noop reply && reply.hasAckReply())) {
				throw fail("the session holder's NOOP(ACK_REQ) " + when + " was answered with "
						+ ((ack != null) ? describe(ack) : "nothing within " + ANSWER_TIMEOUT.toMillis() + " ms"));
			}
			return true;
		}

		/**
		 * {@link #CHURN_CLIENTS} clients send OPEN and vanish one after the other, closing with a
		 * linger of 50 ms; then as many open a session, take a batch and vanish in the middle of it.
		 * After each of both loops a clean client must be served within {@link #ANSWER_TIMEOUT}.
		 */
		private void churn() {
			List<byte[]> open = FbdpCodec.encode(FbdpMessage.open(this.target.pipe(), this.target.clientSocket(),
					this.target.dataFormat()));
			for (int i = 0; i < CHURN_CLIENTS; i++) {
				ZMQ.Socket socket = socket(50);
				send(socket, open, -1, "churn OPEN " + i);
				socket.close();
			}
			servedAfterChurn("after " + CHURN_CLIENTS + " clients sent OPEN and vanished");
			for (int i = 0; i < CHURN_CLIENTS; i++) {
				ZMQ.Socket socket = socket(0);
				try {
					send(socket, open, -1, "churn OPEN " + i);
					FbdpMessage answer = receiveClean(socket, ANSWER_TIMEOUT);
					if (answer == null && this.target.server().ended() == null) {
						throw fail("LOCK-UP in the churn: client " + i + " of " + CHURN_CLIENTS + " got no answer to a clean "
								+ "OPEN within " + ANSWER_TIMEOUT.toMillis() + " ms (server: " + state() + ")");
					}
					if (answer instanceof FbdpMessage.Ready ready && ready.batchSize() > 0) {
						send(socket, FbdpCodec.encode(FbdpMessage.ready(1)), -1, "churn READY(1) " + i);
						if (this.target.serverRole() == PipeRole.CONSUMER) {
							send(socket, FbdpCodec.encode(FbdpMessage.data("churn\n".getBytes(StandardCharsets.UTF_8))), -1,
									"churn DATA " + i);
						}
					}
				}
				finally {
					socket.close();
				}
			}
			servedAfterChurn("after " + CHURN_CLIENTS + " clients vanished in the middle of a batch");
		}

		private void servedAfterChurn(String when) {
			long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
			String last = "nothing";
			while (System.nanoTime() < deadline) {
				try (ZMQ.Socket socket = this.zmq.createSocket(SocketType.DEALER)) {
					socket.setHandshakeIvl(500);
					socket.setLinger(1000);
					socket.connect(this.target.address());
					sendClean(socket, FbdpMessage.open(this.target.pipe(), this.target.clientSocket(),
							this.target.dataFormat()));
					FbdpMessage answer = receiveClean(socket,
							Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000)));
					if (answer instanceof FbdpMessage.Ready) {
						sendClean(socket, FbdpMessage.close(FbdpErrorCode.OK));
						this.livenessChecks++;
						return;
					}
					last = (answer != null) ? describe(answer) : "nothing";
					if (answer != null) {
						sleep(50);
					}
				}
			}
			throw fail("CHURN " + when + ": a clean client was not served within " + ANSWER_TIMEOUT.toMillis() + " ms; last answer: " + last + " (server: " + state()
					+ ")");
		}

		private static boolean isClosing(FbdpMessage.Close close) {
			return close.code() == FbdpErrorCode.PIPE_ENDPOINT_UNAVAILABLE
					&& close.errors().stream().anyMatch((error) -> error.getDescription().contains("is closing"));
		}

		private static boolean isAlreadyHasClient(FbdpMessage.Close close) {
			return close.code() == FbdpErrorCode.PROTOCOL_VIOLATION
					&& close.errors().stream().anyMatch((error) -> error.getDescription().contains("already has a client"));
		}

		private void sendClean(ZMQ.Socket socket, FbdpMessage message) {
			ZmqFrames.toZMsg(FbdpCodec.encode(message)).send(socket);
		}

		private FbdpMessage receiveClean(ZMQ.Socket socket, Duration timeout) {
			socket.setReceiveTimeOut((int) Math.max(timeout.toMillis(), 1));
			ZMsg message = ZMsg.recvMsg(socket);
			if (message == null) {
				return null;
			}
			FbdpMessage answer = checkAnswer(message);
			checkFailure();
			return answer;
		}

		private void record(Duration latency) {
			this.livenessChecks++;
			if (latency.compareTo(this.slowestAnswer) > 0) {
				this.slowestAnswer = latency;
			}
		}

		/**
		 * Start again a service that ended by design, e.g. a filter whose pipes both closed; fail
		 * on any other end.
		 */
		private Thread startKeeper() {
			this.keeperActive = true;
			Thread keeper = new Thread(() -> {
				while (this.keeperActive && this.failure.get() == null) {
					if (!keep()) {
						return;
					}
					sleep(20);
				}
			}, "fuzz-keeper-" + this.target.name());
			keeper.setDaemon(true);
			keeper.start();
			return keeper;
		}

		private boolean keep() {
			String why = this.target.server().ended();
			if (why == null) {
				return true;
			}
			if (!this.target.server().mayEnd(why)) {
				this.failure.compareAndSet(null, "the service ended: " + why);
				return false;
			}
			this.target.server().start();
			this.restarts.incrementAndGet();
			return true;
		}

		private void stopKeeper(Thread keeper) {
			if (keeper != null) {
				// Never interrupt it: an interrupt in the middle of a start breaks JeroMQ sockets.
				this.keeperActive = false;
				try {
					keeper.join(30_000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				this.keeperActive = false;
			}
		}

		/**
		 * Wait until the service runs: the keeper starts it again while it runs, this thread
		 * otherwise.
		 */
		private void awaitRunning() {
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (this.target.server().ended() != null) {
				if (!this.keeperActive) {
					keep();
				}
				checkFailure();
				if (System.nanoTime() > deadline) {
					throw fail("the service did not run again within 20 s: " + this.target.server().ended());
				}
				sleep(20);
			}
		}

		private Resources settle(Resources before) {
			long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
			Resources after = Resources.measure();
			while (!after.within(before) && System.nanoTime() < deadline) {
				sleep(500);
				after = Resources.measure();
			}
			return after;
		}

		private String state() {
			String ended = this.target.server().ended();
			return (ended != null) ? "ended: " + ended : "running";
		}

		private void checkFailure() {
			String failed = this.failure.get();
			if (failed != null) {
				throw fail(failed);
			}
		}

		private void remember(String input) {
			synchronized (this.recent) {
				this.recent.addLast(input);
				if (this.recent.size() > 12) {
					this.recent.removeFirst();
				}
			}
		}

		/**
		 * Describe what the threads of the server and of ZeroMQ are doing, to tell a lock-up of the
		 * service from one of ZeroMQ.
		 */
		private static String serverThreads() {
			StringBuilder threads = new StringBuilder("Server and ZeroMQ threads:");
			Thread.getAllStackTraces().forEach((thread, stack) -> {
				if (thread.getName().matches("(iothread|reaper|butler-).*")) {
					threads.append("\n  ").append(thread.getName()).append(" (").append(thread.getState()).append(")");
					for (int i = 0; i < Math.min(stack.length, 8); i++) {
						threads.append("\n      at ").append(stack[i]);
					}
				}
			});
			return threads.toString();
		}

		private AssertionError fail(String message) {
			return fail(message, null);
		}

		private AssertionError fail(String message, Throwable cause) {
			String recentInputs;
			synchronized (this.recent) {
				recentInputs = String.join("\n  ", this.recent);
			}
			AssertionError error = new AssertionError("Fuzzing the " + this.target.name() + " (seed " + PipeFuzzer.this.seed
					+ ", -Dfuzz.seed=" + PipeFuzzer.this.seed + " repeats it; round " + this.round + ", " + this.sent.get()
					+ " inputs sent): " + message + "\nLast inputs:\n  " + recentInputs, cause);
			this.failure.compareAndSet(null, message);
			return error;
		}

	}

	private static String describe(FbdpMessage message) {
		if (message instanceof FbdpMessage.Close close) {
			return "CLOSE(" + close.errorCode() + " " + close.code() + ") "
					+ close.errors().stream().map((error) -> "'" + error.getDescription() + "'").toList();
		}
		return message.type() + ((message instanceof FbdpMessage.Ready ready) ? "(" + ready.batchSize() + ")" : "");
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
