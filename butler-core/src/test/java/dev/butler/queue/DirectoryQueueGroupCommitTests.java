package dev.butler.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.butler.queue.DirectoryQueueTests.isComplete;
import static dev.butler.queue.DirectoryQueueTests.list;
import static dev.butler.queue.DirectoryQueueTests.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link DirectoryQueue#enqueueAll}, which writes and syncs the files of a group on several threads:
 * every message arrives complete and in order, and a group that fails leaves none of its messages.
 */
class DirectoryQueueGroupCommitTests {

	@TempDir
	Path temp;

	@Test
	void enqueueAllShouldWriteEveryMessageCompleteAndInOrder() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		List<byte[]> contents = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			contents.add(message(4 + (i * 37) % 20_000));
		}
		List<String> names = queue.enqueueAll(contents);
		assertThat(names).hasSize(300).isSorted().doesNotHaveDuplicates();
		for (int i = 0; i < names.size(); i++) {
			assertThat(Files.readAllBytes(queue.incoming().resolve(names.get(i)))).isEqualTo(contents.get(i));
		}
		assertThat(list(queue.tmp())).isEmpty();
	}

	@Test
	void enqueueAllOnAFullDiskShouldFailAndLeaveNoMessageOfTheGroup() throws IOException {
		Path mount = FileSystemFaults.mountTmpfs(this.temp, "256k");
		try {
			DirectoryQueue queue = DirectoryQueue.open(mount.resolve("q"));
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
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
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
