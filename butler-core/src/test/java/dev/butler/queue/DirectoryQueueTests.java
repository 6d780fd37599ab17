package dev.butler.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.butler.queue.QueueFiles.isComplete;
import static dev.butler.queue.QueueFiles.list;
import static dev.butler.queue.QueueFiles.message;
import static dev.butler.queue.QueueFiles.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DirectoryQueueTests {

	@TempDir
	Path temp;

	@Test
	void openShouldCreateTheFourSubdirectoriesWithTheGivenPermissions() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("spool/q"), DirectoryQueue.parsePermissions("750"));
		for (String sub : List.of("incoming", "pending", "tmp", "errors")) {
			assertThat(queue.directory().resolve(sub)).isDirectory();
			assertThat(Files.getPosixFilePermissions(queue.directory().resolve(sub)))
				.isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
		}
	}

	@Test
	void parsePermissionsShouldTakeOctalAndSymbolicForms() {
		Set<PosixFilePermission> expected = PosixFilePermissions.fromString("rwxrw----");
		assertThat(DirectoryQueue.parsePermissions("760")).isEqualTo(expected);
		assertThat(DirectoryQueue.parsePermissions("0760")).isEqualTo(expected);
		assertThat(DirectoryQueue.parsePermissions("rwxrw----")).isEqualTo(expected);
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> DirectoryQueue.parsePermissions("9z"));
	}

	@Test
	void openOnAFileShouldFailNamingIt() throws IOException {
		Path file = Files.writeString(this.temp.resolve("not-a-dir"), "x");
		assertThatExceptionOfType(QueueException.class).isThrownBy(() -> DirectoryQueue.open(file))
			.withMessageContaining(file.toString());
	}

	@Test
	void enqueueShouldLeaveOneCompleteFileInIncomingAndNothingInTmp() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		String name = queue.enqueue("hello".getBytes(StandardCharsets.UTF_8));
		assertThat(name).matches("\\d{13}\\..+\\.\\d+\\.\\d{9}").contains("." + ProcessHandle.current().pid() + ".");
		assertThat(queue.incoming().resolve(name)).hasContent("hello");
		assertThat(list(queue.tmp())).isEmpty();
		assertThat(queue.countIncoming()).isEqualTo(1);
	}

	@Test
	void namesShouldSortInEnqueueOrder() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		List<String> names = queue.enqueueAll(Stream.generate(() -> new byte[] { 1 }).limit(50).toList());
		assertThat(names).isSorted().doesNotHaveDuplicates();
		try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
			List<String> claimed = new ArrayList<>();
			QueueMessage message;
			while ((message = reader.next()) != null) {
				claimed.add(message.name());
				reader.commit(message);
			}
			assertThat(claimed).isEqualTo(names);
		}
	}

	@Test
	void aMessageShouldNeverBeVisibleInIncomingBeforeItIsComplete() throws Exception {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicInteger seen = new AtomicInteger();
		List<String> incomplete = new ArrayList<>();
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
		for (int i = 0; i < 100; i++) {
			queue.enqueue(message(256 * 1024 + i));
		}
		writing.set(false);
		observer.join();
		assertThat(incomplete).isEmpty();
		assertThat(seen.get()).isPositive();
		assertThat(list(queue.incoming())).hasSize(100).allSatisfy((file) -> assertThat(isComplete(Files.readAllBytes(file))).isTrue());
	}

	@Test
	void readersSharingAQueueShouldClaimEachMessageOnce() throws Exception {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		List<byte[]> contents = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			contents.add(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
		}
		queue.enqueueAll(contents);
		Map<String, Integer> claims = new ConcurrentHashMap<>();
		QueueStatistics statistics = new QueueStatistics();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			threads.add(new Thread(() -> {
				try (QueueReader reader = QueueReader.open(queue, statistics)) {
					QueueMessage message;
					while ((message = reader.next()) != null) {
						claims.merge(new String(message.content(), StandardCharsets.UTF_8), 1, Integer::sum);
						reader.commit(message);
					}
				}
				catch (QueueException ex) {
					throw new IllegalStateException(ex);
				}
			}));
		}
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(claims).hasSize(2000);
		assertThat(claims.values()).containsOnly(1);
		assertThat(statistics.counts().claimed()).isEqualTo(2000);
		assertThat(statistics.counts().committed()).isEqualTo(2000);
		assertThat(queue.countIncoming()).isZero();
	}

	@Test
	void closingAReaderShouldReleaseItsClaimedMessages() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		queue.enqueueAll(List.of(new byte[] { 1 }, new byte[] { 2 }));
		QueueStatistics statistics = new QueueStatistics();
		QueueReader reader = QueueReader.open(queue, statistics);
		QueueMessage first = reader.next();
		assertThat(first).isNotNull();
		assertThat(queue.countIncoming()).isEqualTo(1);
		assertThat(first.path().getParent().getParent()).isEqualTo(queue.pending());
		reader.close();
		assertThat(queue.countIncoming()).isEqualTo(2);
		assertThat(list(queue.pending())).isEmpty();
		assertThat(statistics.counts().released()).isEqualTo(1);
	}

	@Test
	void openingAReaderShouldRecoverMessagesOfEndedProcessesOnly() throws Exception {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		Process ended = new ProcessBuilder("true").start();
		ended.waitFor();
		long start = ended.toHandle().info().startInstant().map((instant) -> instant.toEpochMilli()).orElse(1L);
		Path deadOwner = Files.createDirectory(
				queue.pending().resolve(DirectoryQueue.host() + "." + ended.pid() + "." + start + ".1"));
		Files.writeString(deadOwner.resolve("m1"), "one");
		Files.writeString(deadOwner.resolve("m2"), "two");
		ProcessHandle live = ProcessHandle.current().parent().orElseThrow();
		long liveStart = live.info().startInstant().map((instant) -> instant.toEpochMilli()).orElse(0L);
		Path liveOwner = Files.createDirectory(
				queue.pending().resolve(DirectoryQueue.host() + "." + live.pid() + "." + liveStart + ".1"));
		Files.writeString(liveOwner.resolve("m3"), "three");
		Path reusedPid = Files.createDirectory(
				queue.pending().resolve(DirectoryQueue.host() + "." + live.pid() + "." + (liveStart - 60_000) + ".1"));
		Files.writeString(reusedPid.resolve("m4"), "four");
		Path remote = Files.createDirectory(queue.pending().resolve("elsewhere.example.org.1.1.1"));
		Files.writeString(remote.resolve("m5"), "five");
		QueueStatistics statistics = new QueueStatistics();
		try (QueueReader reader = QueueReader.open(queue, statistics)) {
			assertThat(names(queue.incoming())).containsExactlyInAnyOrder("m1+r1", "m2+r1", "m4+r1");
			assertThat(deadOwner).doesNotExist();
			assertThat(reusedPid).doesNotExist();
			assertThat(liveOwner.resolve("m3")).exists();
			assertThat(remote.resolve("m5")).exists();
			assertThat(statistics.counts().recovered()).isEqualTo(3);
		}
	}

	@Test
	void readersOfThisProcessShouldRecoverAClosedReadersLeftoversButNotALiveReadersMessages() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		queue.enqueueAll(List.of(new byte[] { 1 }, new byte[] { 2 }));
		try (QueueReader live = QueueReader.open(queue, new QueueStatistics())) {
			QueueMessage held = live.next();
			try (QueueReader other = QueueReader.open(queue, new QueueStatistics())) {
				assertThat(other.recover()).isZero();
				assertThat(held.path()).exists();
			}
		}
	}

	@Test
	void banishShouldMoveTheMessageToErrorsWithMetadata() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		String name = queue.enqueue("bad".getBytes(StandardCharsets.UTF_8));
		try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
			QueueMessage message = reader.next();
			reader.banish(message, "Cannot parse", new IllegalArgumentException("unexpected 'b'"), 3);
		}
		assertThat(queue.errors().resolve(name)).hasContent("bad");
		JsonNode meta = JsonMapper.shared().readTree(queue.errors().resolve(name + ".meta").toFile());
		assertThat(meta.get("message").asString()).isEqualTo(name);
		assertThat(meta.get("reason").asString()).isEqualTo("Cannot parse");
		assertThat(meta.get("exception").asString()).isEqualTo(IllegalArgumentException.class.getName());
		assertThat(meta.get("exceptionMessage").asString()).isEqualTo("unexpected 'b'");
		assertThat(meta.get("attempts").asInt()).isEqualTo(3);
		assertThat(meta.get("time").asString()).isNotBlank();
		assertThat(queue.countErrors()).isEqualTo(1);
		assertThat(list(queue.tmp())).isEmpty();
	}

	@Test
	void handOnShouldMoveTheMessageOrWriteNewContentUnderItsName() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("a"));
		DirectoryQueue next = DirectoryQueue.open(this.temp.resolve("b"));
		assertThat(queue.isOnSameFileSystem(next)).isTrue();
		String first = queue.enqueue("one".getBytes(StandardCharsets.UTF_8));
		String second = queue.enqueue("two".getBytes(StandardCharsets.UTF_8));
		try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
			reader.handOn(reader.next(), next);
			reader.handOn(reader.next(), next, "TWO".getBytes(StandardCharsets.UTF_8));
			assertThat(reader.countClaimed()).isZero();
		}
		assertThat(next.incoming().resolve(first)).hasContent("one");
		assertThat(next.incoming().resolve(second)).hasContent("TWO");
		assertThat(queue.countIncoming()).isZero();
		assertThat(list(next.tmp())).isEmpty();
	}

	@Test
	void aQueueOnAnotherFileSystemShouldBeTold() throws IOException {
		Path mount = FileSystemFaults.mountTmpfs(this.temp, "1m");
		try {
			DirectoryQueue here = DirectoryQueue.open(this.temp.resolve("a"));
			DirectoryQueue there = DirectoryQueue.open(mount.resolve("b"));
			assertThat(here.isOnSameFileSystem(there)).isFalse();
		}
		finally {
			FileSystemFaults.unmount(mount);
		}
	}

	@Test
	void enqueueOnAFullDiskShouldFailClearlyAndLeaveOnlyCompleteMessages() throws IOException {
		Path mount = FileSystemFaults.mountTmpfs(this.temp, "256k");
		try {
			DirectoryQueue queue = DirectoryQueue.open(mount.resolve("q"));
			int written = 0;
			QueueException failure = null;
			while (failure == null && written < 1000) {
				try {
					queue.enqueue(message(10_000 + written));
					written++;
				}
				catch (QueueException ex) {
					failure = ex;
				}
			}
			assertThat(failure).isNotNull();
			assertThat(failure.getMessage()).contains("enqueue into", queue.incoming().toString(),
					"No space left on device");
			assertThat(list(queue.incoming())).hasSize(written)
				.allSatisfy((file) -> assertThat(isComplete(Files.readAllBytes(file))).isTrue());
			assertThat(list(queue.tmp())).isEmpty();
		}
		finally {
			FileSystemFaults.unmount(mount);
		}
	}

	@Test
	void enqueueIntoAnUnwritableQueueShouldFailClearly() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		FileSystemFaults.denyWrites(queue.tmp());
		try {
			assertThatExceptionOfType(QueueException.class).isThrownBy(() -> queue.enqueue(new byte[] { 1 }))
				.withMessageContaining("Cannot enqueue into '" + queue.incoming() + "'")
				.satisfies((ex) -> assertThat(ex.getMessage()).containsAnyOf("Operation not permitted", "Permission denied"));
			assertThat(queue.countIncoming()).isZero();
		}
		finally {
			FileSystemFaults.allowWrites(queue.tmp());
		}
	}

	@Test
	void outputLimitShouldCountTheQueueOnlyWhenTheEstimateReachesTheLimit() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		queue.enqueueAll(List.of(new byte[] { 1 }, new byte[] { 2 }));
		OutputLimit limit = new OutputLimit(queue, 4);
		assertThat(limit.hasRoom()).isTrue();
		limit.added(1);
		queue.enqueue(new byte[] { 3 });
		Files.writeString(queue.incoming().resolve("dropped-by-someone-else"), "x");
		assertThat(limit.hasRoom()).as("estimate 3 < 4: not counted again").isTrue();
		limit.added(1);
		assertThat(limit.hasRoom()).as("estimate reached 4: counted, 4 waiting").isFalse();
		try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
			reader.commit(reader.next());
		}
		assertThat(limit.hasRoom()).isTrue();
	}

}
