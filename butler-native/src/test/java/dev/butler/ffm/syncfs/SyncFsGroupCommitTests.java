package dev.butler.ffm.syncfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.butler.queue.DirectoryQueue;
import dev.butler.queue.FileSystemFaults;
import dev.butler.queue.FileSystemSync;
import dev.butler.queue.QueueException;

import static dev.butler.queue.QueueFiles.isComplete;
import static dev.butler.queue.QueueFiles.list;
import static dev.butler.queue.QueueFiles.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link DirectoryQueue#enqueueAll} through {@code syncfs}: one sync of the file system per group,
 * and no message visible before it is whole.
 */
class SyncFsGroupCommitTests {

	@TempDir
	Path temp;

	@Test
	void queuesOfThisJvmShouldSyncAGroupWithSyncFs() throws IOException {
		assertThat(DirectoryQueue.open(this.temp.resolve("q")).fileSystemSync()).isInstanceOf(SyncFs.class);
	}

	@Test
	void eachGroupShouldCostOneSyncOfTheFileSystemAndArriveComplete() throws Exception {
		CountingSync sync = new CountingSync(new SyncFs());
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"), null, null, sync);
		AtomicBoolean writing = new AtomicBoolean(true);
		List<String> incomplete = new CopyOnWriteArrayList<>();
		AtomicInteger seen = new AtomicInteger();
		Thread observer = new Thread(() -> {
			Set<String> checked = new HashSet<>();
			while (writing.get()) {
				for (Path file : list(queue.incoming())) {
					if (checked.add(file.getFileName().toString())) {
						seen.incrementAndGet();
						try {
							if (!isComplete(Files.readAllBytes(file))) {
								incomplete.add(file.getFileName().toString());
							}
						}
						catch (IOException ex) {
							incomplete.add(file + ": " + ex);
						}
					}
				}
			}
		});
		observer.start();
		List<String> names = new ArrayList<>();
		List<byte[]> written = new ArrayList<>();
		try {
			for (int group = 0; group < 20; group++) {
				List<byte[]> contents = new ArrayList<>();
				for (int i = 0; i < 50; i++) {
					contents.add(message(4 + (group * 50 + i) * 997 % 100_000));
				}
				names.addAll(queue.enqueueAll(contents));
				written.addAll(contents);
			}
		}
		finally {
			writing.set(false);
			observer.join();
		}
		assertThat(sync.syncs).as("syncs of the file system, one per group").hasValue(20);
		assertThat(incomplete).isEmpty();
		assertThat(seen.get()).isPositive();
		assertThat(names).hasSize(1000).isSorted().doesNotHaveDuplicates();
		for (int i = 0; i < names.size(); i++) {
			assertThat(Files.readAllBytes(queue.incoming().resolve(names.get(i)))).isEqualTo(written.get(i));
		}
		assertThat(list(queue.tmp())).isEmpty();
	}

	@Test
	void aSingleMessageShouldBeSyncedOnItsOwn() throws IOException {
		CountingSync sync = new CountingSync(new SyncFs());
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"), null, null, sync);
		String name = queue.enqueue(message(1000));
		assertThat(isComplete(Files.readAllBytes(queue.incoming().resolve(name)))).isTrue();
		assertThat(sync.syncs).hasValue(0);
	}

	@Test
	void aGroupOnAFullDiskShouldFailAndLeaveNoneOfItsMessages() throws IOException {
		Path mount = FileSystemFaults.mountTmpfs(this.temp, "256k");
		try {
			DirectoryQueue queue = DirectoryQueue.open(mount.resolve("q"));
			assertThat(queue.fileSystemSync()).isInstanceOf(SyncFs.class);
			String first = queue.enqueue(message(1000));
			List<byte[]> contents = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				contents.add(message(10_000 + i));
			}
			assertThatExceptionOfType(QueueException.class).isThrownBy(() -> queue.enqueueAll(contents))
				.withMessageContaining("enqueue into")
				.withMessageContaining(queue.incoming().toString())
				.withMessageContaining("No space left on device");
			assertThat(list(queue.incoming())).containsExactly(queue.incoming().resolve(first));
			assertThat(list(queue.tmp())).isEmpty();
		}
		finally {
			FileSystemFaults.unmount(mount);
		}
	}

	@Test
	void aGroupWhoseSyncFailsShouldFailNamingTheQueueAndTheErrorAndLeaveNoneOfItsMessages() throws IOException {
		FileSystemSync failing = new FileSystemSync() {

			@Override
			public String name() {
				return "failing";
			}

			@Override
			public void sync(Path directory) throws IOException {
				// The directory's name is wrong, so syncfs's open fails as a real failure would.
				new SyncFs().sync(directory.resolve("gone"));
			}

		};
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"), null, null, failing);
		List<byte[]> contents = List.of(message(100), message(200), message(300));
		assertThatExceptionOfType(QueueException.class).isThrownBy(() -> queue.enqueueAll(contents))
			.withMessageContaining("enqueue into")
			.withMessage("Cannot enqueue into '" + queue.incoming()
					+ "': cannot open the directory to sync its file system (syncfs): errno 2 (No such file or directory)");
		assertThat(list(queue.incoming())).isEmpty();
		assertThat(list(queue.tmp())).isEmpty();
	}

	/**
	 * A file-system sync that counts its calls.
	 */
	private static final class CountingSync implements FileSystemSync {

		private final FileSystemSync sync;

		final AtomicInteger syncs = new AtomicInteger();

		CountingSync(FileSystemSync sync) {
			this.sync = sync;
		}

		@Override
		public String name() {
			return "counting " + this.sync.name();
		}

		@Override
		public void sync(Path directory) throws IOException {
			this.syncs.incrementAndGet();
			this.sync.sync(directory);
		}

	}

}
