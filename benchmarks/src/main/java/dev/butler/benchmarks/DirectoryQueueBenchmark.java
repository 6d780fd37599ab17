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
import dev.butler.queue.FileSystemSync;
import dev.butler.queue.QueueException;
import dev.butler.queue.QueueMessage;
import dev.butler.queue.QueueReader;
import dev.butler.queue.QueueStatistics;
import dev.butler.runtime.ButlerThreads;

/**
 * Durable enqueue → claim → commit through a {@link DirectoryQueue}, against a raw java.nio loop
 * doing the least a durable enqueue by the filer protocol costs, and the enqueue alone, single and
 * in groups, measured in the same run.
 * <ul>
 * <li>{@code raw}: write the payload to a new file in {@code tmp/} ({@code CREATE_NEW}), force it,
 * rename it into {@code incoming/} ({@code ATOMIC_MOVE}), force {@code incoming/}, then delete the
 * file so that the directory does not grow. No claim: a consumer's rename is the framework's
 * overhead.</li>
 * <li>{@code durable}: {@link DirectoryQueue#enqueue}, {@link QueueReader#next} (which lists
 * {@code incoming/} and renames the message into the reader's {@code pending/} directory) and
 * {@link QueueReader#commit}.</li>
 * <li>{@code groupCommit}: {@link DirectoryQueue#enqueueAll} of {@code batch} messages with the
 * fallback that syncs each file ({@link FileSystemSync#perFile()}), then {@code next} and
 * {@code commit} of each.</li>
 * <li>{@code groupCommitSyncFs}: the same with one sync of the file system per group
 * ({@link FileSystemSync#available()}: {@code syncfs} from {@code butler-native}, which needs a JDK 22
 * or later on Linux; on an older JVM this benchmark fails at its set-up and the others run).</li>
 * <li>{@code enqueue}, {@code enqueueAll} and {@code enqueueAllSyncFs}: the commit alone, single, in
 * a group with the fallback and in a group with {@code syncfs}; the messages are deleted after each
 * invocation, outside the time measured, as a consumer that keeps up would.</li>
 * </ul>
 * The primary score is invocations per second; the {@code messages} secondary score (an
 * {@link AuxCounters} counter) is the figure to read: <b>messages per second</b>, one per invocation
 * for {@code raw}, {@code durable} and {@code enqueue}, {@code batch} for the groups.
 * <p>
 * The queues live in a new directory under the working directory (or under the directory of the
 * system property {@code queue.bench.dir}, passed to the fork with {@code -jvmArgsAppend}), deleted
 * after each trial. Syncs are the cost measured, so that directory must be on a disk: a tmpfs is
 * refused, its fsync does nothing. Run e.g.
 * {@code java -jar benchmarks.jar DirectoryQueueBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s} with the
 * {@code java} of a JDK 22 or later; the fork gets {@code --enable-native-access=ALL-UNNAMED}, which
 * Java 17 accepts too.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsPrepend = "--enable-native-access=ALL-UNNAMED")
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
		QueueFixture fixture = queue.fixture;
		fixture.queue.enqueue(payload.bytes);
		QueueMessage message = fixture.reader.next();
		if (message == null) {
			throw new IllegalStateException("Enqueued message not found in " + fixture.queue.incoming());
		}
		fixture.reader.commit(message);
		messages.messages++;
		return message;
	}

	@Benchmark
	public QueueMessage groupCommit(Batch batch, Queue queue, Messages messages) throws QueueException {
		return commitGroup(batch, queue.fixture, messages);
	}

	@Benchmark
	public QueueMessage groupCommitSyncFs(Batch batch, SyncFsQueue queue, Messages messages) throws QueueException {
		return commitGroup(batch, queue.fixture, messages);
	}

	@Benchmark
	public List<String> enqueue(Payload payload, Queue queue, Drain drain, Messages messages) throws QueueException {
		drain.names = List.of(queue.fixture.queue.enqueue(payload.bytes));
		drain.queue = queue.fixture.queue;
		messages.messages++;
		return drain.names;
	}

	@Benchmark
	public List<String> enqueueAll(Batch batch, Queue queue, Drain drain, Messages messages) throws QueueException {
		drain.names = queue.fixture.queue.enqueueAll(batch.contents);
		drain.queue = queue.fixture.queue;
		messages.messages += batch.batch;
		return drain.names;
	}

	@Benchmark
	public List<String> enqueueAllSyncFs(Batch batch, SyncFsQueue queue, Drain drain, Messages messages)
			throws QueueException {
		drain.names = queue.fixture.queue.enqueueAll(batch.contents);
		drain.queue = queue.fixture.queue;
		messages.messages += batch.batch;
		return drain.names;
	}

	private static QueueMessage commitGroup(Batch batch, QueueFixture queue, Messages messages)
			throws QueueException {
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
	 * A queue that syncs each file, whose group commits use the sync pool of a runtime.
	 */
	@State(Scope.Thread)
	public static class Queue {

		QueueFixture fixture;

		@Setup(Level.Trial)
		public void setUp() throws IOException {
			this.fixture = new QueueFixture(FileSystemSync.perFile());
		}

		@TearDown(Level.Trial)
		public void tearDown() throws IOException {
			this.fixture.close();
		}

	}

	/**
	 * A queue that syncs a group's file system once, with the file-system sync of this JVM.
	 */
	@State(Scope.Thread)
	public static class SyncFsQueue {

		QueueFixture fixture;

		@Setup(Level.Trial)
		public void setUp() throws IOException {
			FileSystemSync sync = FileSystemSync.available();
			if (sync == FileSystemSync.perFile()) {
				throw new IllegalStateException("No file-system sync on Java " + Runtime.version() + " ("
						+ System.getProperty("os.name") + "): syncfs needs a JDK 22 or later on Linux");
			}
			this.fixture = new QueueFixture(sync);
		}

		@TearDown(Level.Trial)
		public void tearDown() throws IOException {
			this.fixture.close();
		}

	}

	/**
	 * A queue in a new directory, its reader and a runtime's sync pool.
	 */
	static final class QueueFixture {

		final Path root;

		final ButlerThreads threads;

		final DirectoryQueue queue;

		final QueueReader reader;

		QueueFixture(FileSystemSync sync) throws IOException {
			this.root = newDirectory("queue");
			this.threads = new ButlerThreads();
			this.queue = DirectoryQueue.open(this.root.resolve("q"), null, this.threads.queueSync(), sync);
			this.reader = QueueReader.open(this.queue, new QueueStatistics());
		}

		void close() throws IOException {
			this.reader.close();
			this.threads.close();
			deleteTree(this.root);
		}

	}

	/**
	 * The messages of the last invocation, deleted after it so that {@code incoming/} stays empty.
	 */
	@State(Scope.Thread)
	public static class Drain {

		DirectoryQueue queue;

		List<String> names = List.of();

		@TearDown(Level.Invocation)
		public void delete() throws IOException {
			for (String name : this.names) {
				Files.delete(this.queue.incoming().resolve(name));
			}
			this.names = List.of();
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
