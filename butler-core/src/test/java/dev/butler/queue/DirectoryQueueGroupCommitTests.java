package dev.butler.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.butler.queue.QueueFiles.isComplete;
import static dev.butler.queue.QueueFiles.list;
import static dev.butler.queue.QueueFiles.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link DirectoryQueue#enqueueAll}, which writes and syncs the files of a group on several threads
 * of the executor the queue was opened with: every message arrives complete and in order, and a group
 * that fails leaves none of its messages.
 */
class DirectoryQueueGroupCommitTests {

	@TempDir
	Path temp;

	private final ExecutorService pool = Executors.newFixedThreadPool(7);

	private final AtomicInteger helpers = new AtomicInteger();

	private final Executor groupSync = (task) -> {
		this.helpers.incrementAndGet();
		this.pool.execute(task);
	};

	@AfterEach
	void closePool() throws InterruptedException {
		this.pool.shutdown();
		assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void enqueueAllShouldWriteEveryMessageCompleteAndInOrder() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"), null, this.groupSync);
		List<byte[]> contents = contents(300);
		List<String> names = queue.enqueueAll(contents);
		assertWritten(queue, names, contents);
		assertThat(this.helpers).hasValue(7);
	}

	@Test
	void enqueueAllOfAQueueWithoutAnExecutorShouldWriteTheGroupOnTheCallingThread() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		List<byte[]> contents = contents(50);
		assertWritten(queue, queue.enqueueAll(contents), contents);
	}

	@Test
	void enqueueAllWhenTheExecutorIsClosedShouldWriteTheGroupOnTheCallingThread() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"), null, this.groupSync);
		this.pool.shutdown();
		List<byte[]> contents = contents(50);
		assertWritten(queue, queue.enqueueAll(contents), contents);
		assertThat(this.helpers).hasValue(1);
	}

	private static List<byte[]> contents(int count) {
		List<byte[]> contents = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			contents.add(message(4 + (i * 37) % 20_000));
		}
		return contents;
	}

	private static void assertWritten(DirectoryQueue queue, List<String> names, List<byte[]> contents)
			throws IOException {
		assertThat(names).hasSize(contents.size()).isSorted().doesNotHaveDuplicates();
		for (int i = 0; i < names.size(); i++) {
			assertThat(Files.readAllBytes(queue.incoming().resolve(names.get(i)))).isEqualTo(contents.get(i));
		}
		assertThat(list(queue.tmp())).isEmpty();
	}

	@Test
	void enqueueAllOnAFullDiskShouldFailAndLeaveNoMessageOfTheGroup() throws IOException {
		Path mount = FileSystemFaults.mountTmpfs(this.temp, "256k");
		try {
			DirectoryQueue queue = DirectoryQueue.open(mount.resolve("q"), null, this.groupSync);
			String first = queue.enqueue(message(1000));
			List<byte[]> contents = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				contents.add(message(10_000 + i));
			}
			assertThatExceptionOfType(QueueException.class).isThrownBy(() -> queue.enqueueAll(contents))
				.withMessageContaining("enqueue into")
				.withMessageContaining(queue.incoming().toString())
				.withMessageContaining("No space left on device");
			assertThat(list(queue.incoming())).containsExactly(queue.incoming().resolve(first))
				.allSatisfy((file) -> assertThat(isComplete(Files.readAllBytes(file))).isTrue());
			assertThat(list(queue.tmp())).isEmpty();
		}
		finally {
			FileSystemFaults.unmount(mount);
		}
	}

	@Test
	void anInterruptedEnqueueAllShouldFailLeavingNothingAndKeepTheInterrupt() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"), null, this.groupSync);
		List<byte[]> contents = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			contents.add(message(1000 + i));
		}
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(QueueException.class).isThrownBy(() -> queue.enqueueAll(contents))
				.withMessageContaining("enqueue into");
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(list(queue.incoming())).isEmpty();
		assertThat(list(queue.tmp())).isEmpty();
	}

}
