package dev.butler.standard.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.commons.logging.impl.NoOpLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@link CommandProcess} with real processes: {@code sh -c} scripts whose {@code sleep}s
 * are found by a number of seconds unique to the test, also after they left the test's process
 * tree.
 */
class CommandProcessTests {

	private static final Path SETSID = Path.of("/usr/bin/setsid");

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final RecordingLog log = new RecordingLog();

	private final List<CommandProcess> started = new ArrayList<>();

	@AfterEach
	void stopWhatIsLeft() {
		this.started.forEach(CommandProcess::stop);
	}

	@Test
	void stopShouldEndTheCommandsProcessGroupWithSigtermIncludingOrphanedGrandchildren() throws Exception {
		String marker = marker();
		CommandProcess command = start(setsid(), Duration.ofSeconds(5),
				"sleep " + marker + " & (sleep " + marker + " &); sleep " + marker + " & wait");
		await().atMost(WAIT).until(() -> sleeping(marker).size() == 3);
		List<ProcessHandle> sleepers = sleeping(marker);
		assertThat(sleepers).as("one sleeper outside the test's process tree")
			.anyMatch((sleeper) -> ProcessHandle.current().descendants().noneMatch(sleeper::equals));
		assertThat(command.stop()).as("SIGKILL needed").isFalse();
		assertThat(command.ended()).isCompletedWithValue(143);
		await().atMost(WAIT).untilAsserted(() -> assertThat(sleepers).noneMatch(ProcessHandle::isAlive));
		assertThat(this.log.warnings).isEmpty();
	}

	@Test
	void commandIgnoringSigtermShouldBeKilledWithSigkillAfterKillAfter() throws Exception {
		String marker = marker();
		CommandProcess command = start(setsid(), Duration.ofMillis(300),
				"trap '' TERM; sleep " + marker + " & sleep " + marker + " & wait");
		await().atMost(WAIT).until(() -> sleeping(marker).size() == 2);
		List<ProcessHandle> sleepers = sleeping(marker);
		long stopping = System.nanoTime();
		assertThat(command.stop()).as("SIGKILL needed").isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(command.ended()).isCompletedWithValue(137);
		await().atMost(WAIT).untilAsserted(() -> assertThat(sleepers).noneMatch(ProcessHandle::isAlive));
		assertThat(this.log.warnings).anySatisfy((warning) -> assertThat(warning)
			.isEqualTo("Command did not end within 300ms of SIGTERM: sending SIGKILL to its process group "
					+ command.pid()));
	}

	@Test
	void commandEndingOnItsOwnShouldTakeWhatItLeftInItsGroupWithIt() throws Exception {
		CommandProcess command = start(setsid(), Duration.ofSeconds(5),
				"sleep " + marker() + " > /dev/null 2>&1 & echo $!; exit 0");
		assertThat(command.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
		assertThat(this.log.infos).singleElement().satisfies((pid) -> await().atMost(WAIT)
			.until(() -> ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false), (alive) -> !alive));
	}

	@Test
	void everyLineShouldBeLoggedBeforeTheEndIsReportedAndTheLastLinesOfStderrKept() throws Exception {
		CommandProcess command = start(setsid(), Duration.ofSeconds(5),
				"i=0; while [ $i -lt 2000 ]; do echo \"line $i\"; echo \"error $i\" >&2; i=$((i+1)); done; "
						+ "printf 'no line end' >&2; exit 3");
		assertThat(command.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(3);
		assertThat(this.log.infos).hasSize(2000).startsWith("line 0").endsWith("line 1999");
		assertThat(this.log.warnings).hasSize(2001).endsWith("error 1999", "no line end");
		assertThat(command.stderrTail()).hasSize(CommandProcess.STDERR_TAIL)
			.startsWith("error 1981")
			.endsWith("error 1999", "no line end");
	}

	@Test
	void longLinesShouldBeLoggedInPiecesAndCarriageReturnsDropped() throws Exception {
		CommandProcess command = start(setsid(), Duration.ofSeconds(5),
				"printf 'a%.0s' $(seq 1 " + (CommandProcess.MAX_LINE + 5) + "); printf '\\r\\nshort\\r\\n'");
		assertThat(command.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
		assertThat(this.log.infos).containsExactly("a".repeat(CommandProcess.MAX_LINE), "aaaaa", "short");
	}

	@Test
	void firstLineMatchingTheReadyLineShouldCompleteReadyLineSeen() throws Exception {
		CommandProcess command = CommandProcess.start(List.of("sh", "-c", "echo starting; echo 'listening on 8080'; "
				+ "echo 'listening on 8081'; sleep 30"), Path.of("").toAbsolutePath(), Map.of(), setsid(),
				Duration.ofSeconds(5), Pattern.compile("listening on \\d+"), this.log, CommandProcessTests::thread);
		this.started.add(command);
		assertThat(command.readyLineSeen().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("listening on 8080");
	}

	@Test
	void withoutSetsidStopShouldSignalTheProcessAndItsDescendants() throws Exception {
		String marker = marker();
		CommandProcess command = start(null, Duration.ofSeconds(5),
				"sleep " + marker + " & sleep " + marker + " & wait");
		await().atMost(WAIT).until(() -> sleeping(marker).size() == 2);
		assertThat(command.hasOwnGroup()).isFalse();
		List<ProcessHandle> sleepers = sleeping(marker);
		assertThat(command.stop()).as("SIGKILL needed").isFalse();
		await().atMost(WAIT).untilAsserted(() -> assertThat(sleepers).noneMatch(ProcessHandle::isAlive));
	}

	@Test
	void environmentAndWorkingDirectoryShouldBeThoseGiven() throws Exception {
		Path directory = Files.createTempDirectory("butler-command-").toRealPath();
		try {
			CommandProcess command = CommandProcess.start(List.of("sh", "-c", "echo \"$GREETING from $(pwd)\""),
					directory, Map.of("GREETING", "hello"), setsid(), Duration.ofSeconds(5), null, this.log,
					CommandProcessTests::thread);
			assertThat(command.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
			assertThat(this.log.infos).containsExactly("hello from " + directory);
		}
		finally {
			Files.delete(directory);
		}
	}

	private CommandProcess start(Path setsid, Duration killAfter, String script) throws IOException {
		CommandProcess command = CommandProcess.start(List.of("sh", "-c", script), Path.of("").toAbsolutePath(),
				Map.of(), setsid, killAfter, null, this.log, CommandProcessTests::thread);
		this.started.add(command);
		return command;
	}

	private static Path setsid() {
		assertThat(SETSID).as("setsid of util-linux").isExecutable();
		return SETSID;
	}

	/**
	 * A number of seconds to sleep that no other test, of this build or another, sleeps.
	 */
	private static String marker() {
		return Integer.toString(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
	}

	private static List<ProcessHandle> sleeping(String marker) {
		return ProcessHandle.allProcesses()
			.filter((process) -> process.info().arguments().map((arguments) -> Arrays.asList(arguments).contains(marker))
				.orElse(false))
			.toList();
	}

	private static Thread thread(String purpose, Runnable task) {
		Thread thread = new Thread(task, "test-" + purpose);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	/**
	 * Keeps what is logged at INFO and WARN.
	 */
	static final class RecordingLog extends NoOpLog {

		final List<String> infos = new CopyOnWriteArrayList<>();

		final List<String> warnings = new CopyOnWriteArrayList<>();

		@Override
		public void info(Object message) {
			this.infos.add(String.valueOf(message));
		}

		@Override
		public void warn(Object message) {
			this.warnings.add(String.valueOf(message));
		}

	}

}
