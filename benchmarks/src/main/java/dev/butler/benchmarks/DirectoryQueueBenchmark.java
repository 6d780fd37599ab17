package dev.butler.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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

import dev.butler.queue.DirectoryQueue;
import dev.butler.queue.QueueException;
import dev.butler.queue.QueueMessage;
import dev.butler.queue.QueueReader;
import dev.butler.queue.QueueStatistics;
import dev.butler.runtime.ButlerThreads;

/**
 * Durable enqueue → claim → commit through a {@link DirectoryQueue}, against a raw java.nio loop
 * doing the least a durable enqueue by the filer protocol costs, measured in the same run.
 * <ul>
 * <li>{@code raw}: write the payload to a new file in {@code tmp/} ({@code CREATE_NEW}), force it,
 * rename it into {@code incoming/} ({@code ATOMIC_MOVE}), force {@code incoming/}, then delete the
 * file so that the directory does not grow. No claim: a consumer's rename is the framework's
 * overhead.</li>
 * <li>{@code durable}: {@link DirectoryQueue#enqueue}, {@link QueueReader#next} (which lists
 * {@code incoming/} and renames the message into the reader's {@code pending/} directory) and
 * {@link QueueReader#commit}.</li>
 * <li>{@code groupCommit}: {@link DirectoryQueue#enqueueAll} of {@code batch} messages, then
 * {@code next} and {@code commit} of each.</li>
 * </ul>
 * The primary score is invocations per second; the {@code messages} secondary score (an
 * {@link AuxCounters} counter) is the figure to read: <b>messages per second</b>, one per invocation
 * for {@code raw} and {@code durable}, {@code batch} for {@code groupCommit}.
 * <p>
 * The queues live in a new directory under the working directory (or under the directory of the
 * system property {@code queue.bench.dir}, passed to the fork with {@code -jvmArgsAppend}), deleted
 * after each trial. Syncs are the cost measured, so that directory must be on a disk: a tmpfs is
 * refused, its fsync does nothing. Run e.g.
 * {@code java -jar benchmarks.jar DirectoryQueueBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class DirectoryQueueBenchmark {

	/** Filesystems kept in memory, where a sync does nothing. */
	private static final Set<String> MEMORY_FILE_SYSTEMS = Set.of("tmpfs", "ramfs");

	@Benchmark
	public long raw(Payload payload, Raw raw, Messages messages) throws IOException {
		String name = "raw-" + raw.sequence++;
		Path file = raw.tmp.resolve(name);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			ByteBuffer buffer = ByteBuffer.wrap(payload.bytes);
			while (buffer.hasRemaining()) {
				channel.write(buffer);
			}
			channel.force(true);
		}
		Path target = raw.incoming.resolve(name);
		Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
		try (FileChannel directory = FileChannel.open(raw.incoming, StandardOpenOption.READ)) {
			directory.force(true);
		}
		Files.delete(target);
		messages.messages++;
		return raw.sequence;
	}

	@Benchmark
	public QueueMessage durable(Payload payload, Queue queue, Messages messages) throws QueueException {
		queue.queue.enqueue(payload.bytes);
		QueueMessage message = queue.reader.next();
		if (message == null) {
			throw new IllegalStateException("Enqueued message not found in " + queue.queue.incoming());
		}
		queue.reader.commit(message);
		messages.messages++;
		return message;
	}

	@Benchmark
	public QueueMessage groupCommit(Batch batch, Queue queue, Messages messages) throws QueueException {
		queue.queue.enqueueAll(batch.contents);
		QueueMessage message = null;
		for (int i = 0; i < batch.batch; i++) {
			message = queue.reader.next();
			if (message == null) {
				throw new IllegalStateException(
						"Only " + i + " of " + batch.batch + " enqueued messages found in " + queue.queue.incoming());
			}
			queue.reader.commit(message);
		}
		messages.messages += batch.batch;
		return message;
	}

	/**
	 * The message content, shared by all benchmarks.
	 */
	@State(Scope.Benchmark)
	public static class Payload {

		@Param({ "256", "4096" })
		public int payloadSize;

		byte[] bytes;

		@Setup(Level.Trial)
		public void setUp() {
			this.bytes = new byte[this.payloadSize];
			Arrays.fill(this.bytes, (byte) 'x');
		}

	}

	/**
	 * The messages enqueued together by {@code groupCommit}.
	 */
	@State(Scope.Benchmark)
	public static class Batch {

		@Param({ "10", "100" })
		public int batch;

		List<byte[]> contents;

		@Setup(Level.Trial)
		public void setUp(Payload payload) {
			List<byte[]> copies = new ArrayList<>(this.batch);
			for (int i = 0; i < this.batch; i++) {
				copies.add(payload.bytes);
			}
			this.contents = List.copyOf(copies);
		}

	}

	/**
	 * The {@code tmp/} and {@code incoming/} directories of the raw loop.
	 */
	@State(Scope.Thread)
	public static class Raw {

		Path root;

		Path tmp;

		Path incoming;

		long sequence;

		@Setup(Level.Trial)
		public void setUp() throws IOException {
			this.root = newDirectory("raw");
			this.tmp = Files.createDirectory(this.root.resolve(DirectoryQueue.TMP));
			this.incoming = Files.createDirectory(this.root.resolve(DirectoryQueue.INCOMING));
		}

		@TearDown(Level.Trial)
		public void tearDown() throws IOException {
			deleteTree(this.root);
		}

	}

	/**
	 * A queue, whose group commits use the sync pool of a runtime, and its reader.
	 */
	@State(Scope.Thread)
	public static class Queue {

		Path root;

		ButlerThreads threads;

		DirectoryQueue queue;

		QueueReader reader;

		@Setup(Level.Trial)
		public void setUp() throws IOException {
			this.root = newDirectory("queue");
			this.threads = new ButlerThreads();
			this.queue = DirectoryQueue.open(this.root.resolve("q"), null, this.threads.queueSync());
			this.reader = QueueReader.open(this.queue, new QueueStatistics());
		}

		@TearDown(Level.Trial)
		public void tearDown() throws IOException {
			this.reader.close();
			this.threads.close();
			deleteTree(this.root);
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
	 * Create a new directory for one trial, on the filesystem of the working directory or of
	 * {@code queue.bench.dir}.
	 */
	static Path newDirectory(String kind) throws IOException {
		Path parent = Path.of(System.getProperty("queue.bench.dir", "")).toAbsolutePath();
		FileStore store = Files.getFileStore(parent);
		if (MEMORY_FILE_SYSTEMS.contains(store.type())) {
			throw new IllegalStateException("'" + parent + "' is on a " + store.type()
					+ ", where fsync costs nothing: run from a directory on a disk or set -Dqueue.bench.dir");
		}
		return Files.createTempDirectory(parent, "queue-bench-" + kind + "-");
	}

	static void deleteTree(Path root) throws IOException {
		if (root == null || !Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

}
