package dev.butler.standard.command;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.supervision.ButlerSupervisionAutoConfiguration;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ManagedMicroService;
import dev.butler.control.RunEnding;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.supervision.SupervisionStatus.Phase;
import dev.butler.supervision.Supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the {@link CommandService command service}, run by agent name with real processes:
 * {@code sh -c} scripts whose {@code sleep}s are found by a number of seconds unique to the test.
 */
@ExtendWith(OutputCaptureExtension.class)
class CommandServiceTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class,
				ButlerSupervisionAutoConfiguration.class, ValidationAutoConfiguration.class))
		.withPropertyValues("butler.supervision.backoff.min=10ms", "butler.supervision.backoff.max=10ms");

	@Test
	void commandExitingWithZeroShouldFinishWithOutcomeOkAndNotBeRestarted(CapturedOutput output) {
		this.contextRunner.withPropertyValues(script("echo 'on stdout'; echo 'on stderr' >&2; exit 0"))
			.run((context) -> {
				Supervisor supervisor = context.getBean(Supervisor.class);
				await().atMost(WAIT).until(() -> supervisor.status("cmd").lastEnding() == RunEnding.NORMAL);
				assertThat(component(context).outcome()).isEqualTo(Outcome.OK);
				assertThat(component(context).details()).containsExactly("exit code 0");
				Thread.sleep(200);
				assertThat(supervisor.status("cmd").phase()).isEqualTo(Phase.STOPPED);
				assertThat(supervisor.status("cmd").totalRestarts()).isZero();
			});
		assertThat(logLine(output, "on stdout")).contains(" INFO ").contains("dev.butler.command.cmd");
		assertThat(logLine(output, "on stderr")).contains(" WARN ").contains("dev.butler.command.cmd");
	}

	@Test
	void commandExitingWithThreeShouldEndWithErrorAndDetailsAndBeRestartedBySupervision() {
		this.contextRunner.withPropertyValues(script("echo first >&2; echo broken >&2; exit 3"))
			.withPropertyValues("butler.services.cmd.max-restarts=2")
			.run((context) -> {
				Supervisor supervisor = context.getBean(Supervisor.class);
				await().atMost(WAIT).until(() -> supervisor.status("cmd").phase() == Phase.GAVE_UP);
				assertThat(supervisor.status("cmd").restarts()).containsExactly(entry(RunEnding.ERROR, 2L));
				assertThat(component(context).outcome()).isEqualTo(Outcome.ERROR);
				assertThat(component(context).details()).containsExactly("exit code 3", "stderr: first",
						"stderr: broken");
			});
	}

	@Test
	void exitCodesShouldSayWhichCodesMeanOk() {
		this.contextRunner.withPropertyValues(script("exit 3"))
			.withPropertyValues("butler.services.cmd.exit-codes=0,3")
			.run((context) -> {
				awaitFinished(context);
				assertThat(component(context).outcome()).isEqualTo(Outcome.OK);
				assertThat(component(context).details()).containsExactly("exit code 3");
			});
	}

	@Test
	void everyLineShouldBeLoggedBeforeTheServiceFinishes(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues(script("i=0; while [ $i -lt 500 ]; do echo \"line $i\"; i=$((i+1)); done; exit 0"))
			.run((context) -> {
				awaitFinished(context);
				assertThat(output).contains("line 0").contains("line 499");
			});
	}

	@Test
	void argsEnvironmentAndWorkingDirShouldReachTheCommand(@TempDir Path directory, CapturedOutput output)
			throws IOException {
		Path workingDir = directory.toRealPath();
		this.contextRunner.withPropertyValues(script("echo \"$GREETING from $(pwd), $0 $1\"", "first", "second"))
			.withPropertyValues("butler.services.cmd.environment.GREETING=hello",
					"butler.services.cmd.working-dir=" + workingDir)
			.run((context) -> {
				awaitFinished(context);
				assertThat(output).contains("hello from " + workingDir + ", first second");
			});
	}

	@Test
	void readyLineShouldHoldReadyUntilTheCommandWritesAMatchingLine(CapturedOutput output) {
		String marker = marker();
		this.contextRunner
			.withPropertyValues(script("echo starting; sleep 1; echo 'listening on 4711'; exec sleep " + marker))
			.withPropertyValues("butler.services.cmd.ready-when=line", "butler.services.cmd.ready-line=listening on \\d+")
			.run((context) -> {
				assertThat(component(context).state()).isEqualTo(State.RUNNING);
				assertThat(output).contains("listening on 4711");
				await().atMost(WAIT).until(() -> sleeping(marker).size() == 1);
			});
		await().atMost(WAIT).until(() -> sleeping(marker).isEmpty());
	}

	@Test
	void readyPortShouldHoldReadyUntilThePortAcceptsConnections() throws Exception {
		int port = freePort();
		this.contextRunner
			.withPropertyValues("butler.services.cmd.agent=butler.command",
					"butler.services.cmd.command=" + Path.of(System.getProperty("java.home"), "bin", "java"),
					"butler.services.cmd.args=-cp," + testClasses() + "," + PortListener.class.getName() + "," + port
							+ ",500",
					"butler.services.cmd.ready-when=port", "butler.services.cmd.ready-port=" + port,
					"butler.services.cmd.warm-up-timeout=60s")
			.run((context) -> {
				assertThat(component(context).state()).isEqualTo(State.RUNNING);
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
				}
			});
	}

	@Test
	void commandEndingBeforeItIsReadyShouldFailWarmUpWithItsExitCodeAndStderr() {
		this.contextRunner.withPropertyValues(script("echo 'cannot listen' >&2; exit 4"))
			.withPropertyValues("butler.services.cmd.ready-when=line", "butler.services.cmd.ready-line=listening")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Command 'sh' ended with exit code 4 before it was ready (a line matching "
						+ "'listening' on its standard output); its last lines on stderr:\n  cannot listen"));
	}

	@Test
	void commandNotReadyWithinTheWarmUpTimeoutShouldBeEndedBeforeTheRuntimeCloses(CapturedOutput output) {
		String marker = marker();
		this.contextRunner.withPropertyValues(script("exec sleep " + marker))
			.withPropertyValues("butler.services.cmd.ready-when=line", "butler.services.cmd.ready-line=never",
					"butler.services.cmd.warm-up-timeout=1s")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Butler service 'cmd' did not report READY within 1000 ms"));
		await().atMost(WAIT).until(() -> sleeping(marker).isEmpty());
		assertThat(output).doesNotContain("Butler thread 'butler-command-");
	}

	@Test
	void stopShouldEndGrandchildrenAndKillThoseIgnoringSigtermAfterKillAfter() {
		String marker = marker();
		this.contextRunner
			.withPropertyValues(script("sleep " + marker + " & (sleep " + marker + " &); (trap '' TERM; exec sleep "
					+ marker + ") & wait"))
			.withPropertyValues("butler.services.cmd.kill-after=500ms")
			.run((context) -> {
				await().atMost(WAIT).until(() -> sleeping(marker).size() == 3);
				List<ProcessHandle> sleepers = sleeping(marker);
				CountDownLatch stopped = new CountDownLatch(1);
				context.getBean(ManagedMicroService.class).stop(stopped::countDown);
				assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(component(context).outcome()).isEqualTo(Outcome.OK);
				assertThat(component(context).details())
					.containsExactly("the command did not end within 500ms of SIGTERM and was killed with SIGKILL");
				await().atMost(WAIT).untilAsserted(() -> assertThat(sleepers).noneMatch(ProcessHandle::isAlive));
			});
	}

	@Test
	void applicationStopShouldEndTheCommand() {
		String marker = marker();
		this.contextRunner.withPropertyValues(script("sleep " + marker + " & sleep " + marker + " & wait"))
			.run((context) -> await().atMost(WAIT).until(() -> sleeping(marker).size() == 2));
		await().atMost(WAIT).until(() -> sleeping(marker).isEmpty());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badOptions")
	void badOptionShouldFailStartUpNamingTheProperty(String option, String expected) {
		List<String> properties = new ArrayList<>(List.of(script("exit 0")));
		if (option.startsWith("command=")) {
			properties.remove("butler.services.cmd.command=sh");
		}
		if (!option.isEmpty()) {
			properties.add("butler.services.cmd." + option);
		}
		this.contextRunner.withPropertyValues(properties.toArray(String[]::new))
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining(ServiceConfigurationException.class.getName())
				.hasStackTraceContaining(expected));
	}

	static Stream<Arguments> badOptions() {
		return Stream.of(Arguments.of("command=", "for property 'butler.services.cmd.command': must not be blank"),
				Arguments.of("command=no-such-program-of-butler",
						"Invalid value 'no-such-program-of-butler' for property 'butler.services.cmd.command': "
								+ "no such program on the PATH"),
				Arguments.of("command=sh -c true", "no such program on the PATH"),
				Arguments.of("command=./no-such-script", "for property 'butler.services.cmd.command': no such file in"),
				Arguments.of("working-dir=no/such/directory",
						"Invalid value 'no/such/directory' for property 'butler.services.cmd.working-dir': "
								+ "no such directory"),
				Arguments.of("ready-when=line", "for property 'butler.services.cmd.ready-line': required with "
						+ "ready-when=line"),
				Arguments.of("ready-line=listening",
						"for property 'butler.services.cmd.ready-line': applies only with ready-when=line"),
				Arguments.of("ready-when=port", "for property 'butler.services.cmd.ready-port': required with "
						+ "ready-when=port"),
				Arguments.of("ready-port=70000", "for property 'butler.services.cmd.ready-port'"),
				Arguments.of("ready-when=sometime", "butler.services.cmd.ready-when"),
				Arguments.of("exit-codes=0,300", "for property 'butler.services.cmd.exit-codes[1]'"),
				Arguments.of("kill-after=0s", "for property 'butler.services.cmd.kill-after': must be positive"),
				Arguments.of("kill-after=10s", "Invalid value '10s' for property 'butler.services.cmd.kill-after': "
						+ "must be below butler.services.cmd.stop-timeout (10s)"));
	}

	@Test
	void invalidReadyLineShouldFailStartUpNamingIt() {
		this.contextRunner.withPropertyValues(script("exit 0"))
			.withPropertyValues("butler.services.cmd.ready-when=line", "butler.services.cmd.ready-line=(unclosed")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("for property 'butler.services.cmd.ready-line': not a Java regular expression"));
	}

	@Test
	void killAfterBelowALongerStopTimeoutShouldBeAccepted() {
		this.contextRunner.withPropertyValues(script("exit 0"))
			.withPropertyValues("butler.services.cmd.kill-after=10s", "butler.services.cmd.stop-timeout=15s")
			.run((context) -> {
				awaitFinished(context);
				assertThat(component(context).outcome()).isEqualTo(Outcome.OK);
			});
	}

	private static String[] script(String script, String... args) {
		List<String> properties = new ArrayList<>(List.of("butler.services.cmd.agent=butler.command",
				"butler.services.cmd.command=sh", "butler.services.cmd.args[0]=-c", "butler.services.cmd.args[1]=" + script));
		for (int i = 0; i < args.length; i++) {
			properties.add("butler.services.cmd.args[" + (i + 2) + "]=" + args[i]);
		}
		return properties.toArray(String[]::new);
	}

	private static void awaitFinished(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		await().atMost(WAIT).until(() -> component(context).state().isTerminal());
	}

	private static ButlerComponent component(AssertableApplicationContext context) {
		return context.getBean(ButlerComponents.class).find("cmd").orElseThrow();
	}

	private static String logLine(CapturedOutput output, String text) {
		return output.getOut().lines().filter((line) -> line.endsWith(text)).findFirst().orElse("");
	}

	/**
	 * A number of seconds to sleep that no other test, of this build or another, sleeps.
	 */
	static String marker() {
		return Integer.toString(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
	}

	static List<ProcessHandle> sleeping(String marker) {
		return ProcessHandle.allProcesses()
			.filter((process) -> process.info().arguments().map((arguments) -> Arrays.asList(arguments).contains(marker))
				.orElse(false))
			.toList();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static Path testClasses() throws URISyntaxException {
		return Path.of(PortListener.class.getProtectionDomain().getCodeSource().getLocation().toURI());
	}

}
