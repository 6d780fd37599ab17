package dev.butler.ffm.syncfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.butler.queue.DirectoryQueue;
import dev.butler.queue.QueueFiles;
import dev.butler.queue.QueueMessage;
import dev.butler.queue.QueueReader;
import dev.butler.queue.QueueStatistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A JVM of its own enqueues groups through {@code syncfs} in a loop and is killed with SIGKILL at a
 * random moment, again and again: every message visible in the queue is complete, and the queue
 * stays usable.
 */
class SyncFsKillTests {

	private static final int KILLS = 4;

	@TempDir
	Path temp;

	private final List<Process> processes = new ArrayList<>();

	@AfterEach
	void killLeftovers() throws InterruptedException {
		for (Process process : this.processes) {
			process.destroyForcibly();
			process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void aProcessKilledWhileCommittingGroupsShouldLeaveOnlyCompleteMessages() throws Exception {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		long visible = 0;
		for (int kill = 1; kill <= KILLS; kill++) {
			Path output = this.temp.resolve("loop-" + kill + ".out");
			Process loop = start(queue, output);
			long before = visible;
			await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20))
				.until(() -> queue.countIncoming() > before || !loop.isAlive());
			assertThat(loop.isAlive()).as(() -> "loop alive: " + read(output)).isTrue();
			Thread.sleep(ThreadLocalRandom.current().nextLong(500));
			loop.destroyForcibly();
			assertThat(loop.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(loop.exitValue()).as("exit code of a JVM killed by SIGKILL").isEqualTo(128 + 9);
			assertThat(read(output)).contains("Group commits with syncfs");
			visible = assertEveryMessageComplete(queue.incoming());
			assertThat(visible).isGreaterThan(before);
		}
		long consumed = 0;
		try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
			QueueMessage message;
			while ((message = reader.next()) != null) {
				assertThat(QueueFiles.isComplete(message.content())).as(message.name()).isTrue();
				reader.commit(message);
				consumed++;
			}
		}
		assertThat(consumed).isEqualTo(visible);
	}

	private Process start(DirectoryQueue queue, Path output) throws IOException {
		String java = ProcessHandle.current().info().command().orElseThrow();
		Process process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
				System.getProperty("java.class.path"), GroupCommitLoop.class.getName(), queue.directory().toString())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		this.processes.add(process);
		return process;
	}

	private static long assertEveryMessageComplete(Path incoming) throws IOException {
		List<Path> files;
		try (Stream<Path> listed = Files.list(incoming)) {
			files = listed.toList();
		}
		for (Path file : files) {
			assertThat(QueueFiles.isComplete(Files.readAllBytes(file))).as(file.toString()).isTrue();
		}
		return files.size();
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

}
