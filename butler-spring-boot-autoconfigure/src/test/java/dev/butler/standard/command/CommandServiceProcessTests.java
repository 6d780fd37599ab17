package dev.butler.standard.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.butler.standard.command.CommandServiceTests.marker;
import static dev.butler.standard.command.CommandServiceTests.sleeping;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A command service in an application of its own JVM, ended with SIGTERM as a process manager ends
 * it: no process of the command outlives the application.
 */
class CommandServiceProcessTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@TempDir
	Path directory;

	private Process application;

	private String marker;

	@AfterEach
	void killWhatIsLeft() throws InterruptedException {
		if (this.application != null) {
			this.application.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		if (this.marker != null) {
			sleeping(this.marker).forEach(ProcessHandle::destroyForcibly);
		}
	}

	@Test
	void applicationEndedWithSigtermShouldLeaveNoProcessOfItsCommandsBehind() throws Exception {
		this.marker = marker();
		Path output = this.directory.resolve("application.out");
		this.application = start(output, "--butler.services.cmd.args[1]=sleep " + this.marker + " & (sleep "
				+ this.marker + " &); (trap '' TERM; exec sleep " + this.marker + ") & wait",
				"--butler.services.cmd.kill-after=1s");
		await().atMost(WAIT)
			.until(() -> sleeping(this.marker).size() == 3 || !this.application.isAlive());
		List<ProcessHandle> sleepers = sleeping(this.marker);
		assertThat(sleepers).as(() -> "sleepers of the command; application output: " + read(output)).hasSize(3);
		assertThat(sleepers).as("one sleeper outside the application's process tree")
			.anyMatch((sleeper) -> this.application.descendants().noneMatch(sleeper::equals));
		this.application.destroy();
		assertThat(this.application.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(this.application.exitValue()).as(() -> "exit code; output: " + read(output)).isEqualTo(143);
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(sleepers).as(() -> "left behind; output: " + read(output))
				.noneMatch(ProcessHandle::isAlive));
		assertThat(read(output)).contains("Command did not end within 1s of SIGTERM: sending SIGKILL");
	}

	private Process start(Path output, String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), CommandApplication.class.getName(),
				"--spring.main.web-application-type=none", "--spring.main.keep-alive=true",
				"--butler.services.cmd.agent=butler.command", "--butler.services.cmd.command=sh",
				"--butler.services.cmd.args[0]=-c"));
		command.addAll(List.of(arguments));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
	}

	private static String read(Path output) {
		try {
			return Files.readString(output);
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

}
