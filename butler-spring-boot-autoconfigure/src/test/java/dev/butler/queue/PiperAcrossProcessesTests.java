package dev.butler.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pipers in JVMs of their own on one queue: killed with SIGKILL mid-stream, and side by side.
 * The queues live on tmpfs where there is one, to keep 100 000 messages quick: a killed process
 * loses nothing the kernel has, so the disk adds nothing to what this shows.
 */
class PiperAcrossProcessesTests {

	private static final int MESSAGES = 100_000;

	private final List<Process> processes = new ArrayList<>();

	private Path work;

	@BeforeEach
	void createWorkDirectory() throws IOException {
		Path shm = Path.of("/dev/shm");
		this.work = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "butler-piper-")
				: Files.createTempDirectory("butler-piper-");
	}

	@AfterEach
	void cleanUp() throws IOException {
		this.processes.forEach(Process::destroyForcibly);
		for (Process process : this.processes) {
			try {
				process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		FileSystemUtils.deleteRecursively(this.work);
	}

	@Test
	void killedRepeatedlyMidStreamShouldLoseNothingAndRepeatAtMostTheMessagesInFlight() throws Exception {
		Set<String> names = fill(MESSAGES);
		DirectoryQueue out = DirectoryQueue.open(this.work.resolve("out"));
		int kills = 0;
		for (int threshold : new int[] { MESSAGES / 5, MESSAGES * 2 / 5, MESSAGES * 3 / 5 }) {
			String name = "killed-" + kills;
			Process piper = start(name);
			await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
				.until(() -> journalLines(names) >= threshold || !piper.isAlive());
			assertThat(piper.isAlive()).as(() -> name + " alive: " + output(name)).isTrue();
			piper.destroyForcibly().waitFor();
			kills++;
		}
		start("finisher");
		await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
			.until(() -> out.countIncoming() >= MESSAGES);
		assertThat(out.countIncoming()).isEqualTo(MESSAGES);
		try (Stream<Path> files = Files.list(out.incoming())) {
			assertThat(files.map((file) -> file.getFileName().toString()).collect(Collectors.toSet())).isEqualTo(names);
		}
		assertThat(Files.readString(out.incoming().resolve(names.iterator().next()))).startsWith("MESSAGE ");
		Map<String, Integer> processed = journal();
		assertThat(processed.keySet()).isEqualTo(names);
		long repeated = processed.values().stream().mapToInt((count) -> count - 1).sum();
		assertThat(repeated).as("messages processed twice, one in flight per kill at most").isLessThanOrEqualTo(kills);
		DirectoryQueue in = DirectoryQueue.open(this.work.resolve("in"));
		assertThat(in.countIncoming()).isZero();
		assertThat(in.countErrors()).isZero();
	}

	@Test
	void twoProcessesOnOneQueueShouldShareTheWorkAndProcessNoMessageTwice() throws Exception {
		Set<String> names = fill(20_000);
		DirectoryQueue out = DirectoryQueue.open(this.work.resolve("out"));
		Process first = start("first");
		Process second = start("second");
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
			.until(() -> out.countIncoming() >= names.size() || !first.isAlive() || !second.isAlive());
		assertThat(first.isAlive()).as(() -> "first alive: " + output("first")).isTrue();
		assertThat(second.isAlive()).as(() -> "second alive: " + output("second")).isTrue();
		Map<String, Integer> processed = journal();
		assertThat(processed.keySet()).isEqualTo(names);
		assertThat(processed.values().stream().filter((count) -> count > 1)).as("messages processed twice").isEmpty();
		try (Stream<Path> journals = Files.list(this.work.resolve("journal"))) {
			assertThat(journals.filter((file) -> sizeOf(file) > 0)).as("journals of processes that did work").hasSize(2);
		}
	}

	@Test
	void aMessageThatKillsItsProcessEveryTimeShouldBeBanishedOnceRecoveredMaxRecoveriesTimes() throws Exception {
		DirectoryQueue in = DirectoryQueue.open(this.work.resolve("in"));
		Set<String> names = fill(500);
		String halt = in.enqueue("halt".getBytes(StandardCharsets.UTF_8));
		names.addAll(fill(500));
		DirectoryQueue out = DirectoryQueue.open(this.work.resolve("out"));
		for (int run = 0; run < 2; run++) {
			String name = "halted-" + run;
			Process piper = start(name, "--butler.services.journaling.max_recoveries=1");
			assertThat(piper.waitFor(3, TimeUnit.MINUTES)).as(() -> name + " ended: " + output(name)).isTrue();
			assertThat(piper.exitValue()).as(() -> name + " halted: " + output(name)).isEqualTo(3);
		}
		try (Stream<Path> pending = Files.walk(in.pending())) {
			assertThat(pending.filter(Files::isRegularFile).map((file) -> file.getFileName().toString()))
				.as("left by the second run, which had it recovered once").containsExactly(halt + "+r1");
		}
		start("finisher", "--butler.services.journaling.max_recoveries=1");
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
			.until(() -> out.countIncoming() >= names.size() && in.countErrors() >= 1);
		try (Stream<Path> files = Files.list(out.incoming())) {
			assertThat(files.map((file) -> file.getFileName().toString()).collect(Collectors.toSet())).isEqualTo(names);
		}
		assertThat(in.errors().resolve(halt)).hasContent("halt");
		assertThat(Files.readString(in.errors().resolve(halt + ".meta"))).contains("Recovered 1 time(s)");
		assertThat(in.countIncoming()).isZero();
		Map<String, Integer> processed = journal();
		assertThat(processed.get(halt)).as("runs the message halted").isEqualTo(2);
		processed.remove(halt);
		assertThat(processed.keySet()).isEqualTo(names);
	}

	private Set<String> fill(int count) throws IOException {
		DirectoryQueue in = DirectoryQueue.open(this.work.resolve("in"));
		Set<String> names = new HashSet<>();
		List<byte[]> batch = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			batch.add(("message " + i).getBytes(StandardCharsets.UTF_8));
			if (batch.size() == 1000) {
				names.addAll(in.enqueueAll(batch));
				batch.clear();
			}
		}
		names.addAll(in.enqueueAll(batch));
		Files.createDirectories(this.work.resolve("journal"));
		return names;
	}

	private Process start(String name, String... options) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), JournalingPiperApplication.class.getName(),
				"--spring.main.web-application-type=none", "--spring.main.keep-alive=true",
				"--butler.spool-dir=" + this.work, "--butler.services.journaling.queue-in-dir=in",
				"--butler.services.journaling.queue-out-dir=out", "--butler.services.journaling.queue-out-limit=1000000",
				"--butler.services.journaling.journal-dir=" + this.work.resolve("journal")));
		command.addAll(List.of(options));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.work.resolve(name + ".out").toFile())
			.start();
		this.processes.add(process);
		return process;
	}

	/**
	 * Count journal lines cheaply: the names made by one process all have the same length.
	 */
	private long journalLines(Set<String> names) throws IOException {
		long bytes = 0;
		try (Stream<Path> journals = Files.list(this.work.resolve("journal"))) {
			for (Path journal : journals.toList()) {
				bytes += sizeOf(journal);
			}
		}
		return bytes / (names.iterator().next().length() + 1);
	}

	private Map<String, Integer> journal() throws IOException {
		Map<String, Integer> counts = new HashMap<>();
		try (Stream<Path> journals = Files.list(this.work.resolve("journal"))) {
			for (Path journal : journals.toList()) {
				Files.readAllLines(journal).forEach((line) -> counts.merge(line, 1, Integer::sum));
			}
		}
		return counts;
	}

	private static long sizeOf(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private String output(String name) {
		try {
			return Files.readString(this.work.resolve(name + ".out"));
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

}
