package dev.butler.pipe.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.pipe.PipeRole;
import dev.butler.pipe.PipeTestSupport;
import dev.butler.pipe.fuzz.PipeFuzzer.Report;
import dev.butler.pipe.fuzz.PipeFuzzer.Server;
import dev.butler.pipe.fuzz.PipeFuzzer.Target;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.State;

import static dev.butler.pipe.PipeTestSupport.freeTcpAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Fuzzes every bound pipe role of the standard text services: the reader (a producer), the writer
 * (a consumer), and the line filter's input and output, each a real service in a Spring context,
 * fed from raw sockets by {@link PipeFuzzer}. The quick run sends {@value #QUICK_INPUTS} messages
 * in all; {@code -Dfuzz.inputs=1000000} (the {@code fuzz} Maven profile) sends that many, split
 * evenly between the four roles, and {@code -Dfuzz.seed} repeats a run.
 */
class PipeFuzzTests {

	private static final long QUICK_INPUTS = 12_000;

	private static final String UTF_8 = "text/plain;charset=utf-8";

	private static final String[] QUIET_LOGGERS = { "dev.butler.pipe", "dev.butler.control" };

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ValidationAutoConfiguration.class));

	private static final long INPUTS_PER_ROLE = Long.getLong("fuzz.inputs", QUICK_INPUTS) / 4;

	/**
	 * Time for one role: a server whose ZeroMQ I/O thread died cannot even be closed, and the
	 * test must fail rather than hang.
	 */
	private static final Duration BUDGET = Duration.ofSeconds(120 + INPUTS_PER_ROLE / 100);

	private final PipeFuzzer fuzzer = PipeFuzzer.withSystemProperties(INPUTS_PER_ROLE);

	@TempDir
	Path directory;

	@BeforeAll
	static void quietPipeLogs() {
		// Every refused message is logged as a warning; the fuzzer reports what matters itself.
		LoggingSystem logging = LoggingSystem.get(PipeFuzzTests.class.getClassLoader());
		logging.setLogLevel(QUIET_LOGGERS[0], LogLevel.ERROR);
		logging.setLogLevel(QUIET_LOGGERS[1], LogLevel.WARN);
	}

	@AfterAll
	static void restorePipeLogs() {
		LoggingSystem logging = LoggingSystem.get(PipeFuzzTests.class.getClassLoader());
		for (String logger : QUIET_LOGGERS) {
			logging.setLogLevel(logger, null);
		}
	}

	@Test
	void boundTextReaderShouldServeClientAfterClientUnderFuzzing() throws IOException {
		Path input = Files.writeString(this.directory.resolve("input.txt"), text(40), StandardCharsets.UTF_8);
		String address = freeTcpAddress();
		run(this.contextRunner
			.withPropertyValues(service("reader", "agent=saturnin.text.reader", "filename=" + input, "pipe=text",
					"pipe-address=" + address, "pipe-mode=bind", "stop-on-close=false", "max-chars=100",
					"peer-timeout=" + System.getProperty("fuzz.peer-timeout", "10s"))), (context) -> {
				ButlerComponent reader = context.getBean(ButlerComponents.class).find("reader").orElseThrow();
				Target target = new Target("text reader", address, "text", PipeRole.PRODUCER, UTF_8, server(reader, null),
						true);
				Report report = this.fuzzer.run(target, (clients) -> {
					List<byte[]> blocks = clients.consume(address, "text", UTF_8);
					assertThat(blocks).hasSizeGreaterThan(5);
					assertThat(join(blocks)).isEqualTo(Files.readString(input, StandardCharsets.UTF_8));
				});
				System.out.println(report);
				assertThat(reader.state()).isEqualTo(State.RUNNING);
			});
	}

	@Test
	void boundTextWriterShouldServeClientAfterClientUnderFuzzing() {
		Path output = this.directory.resolve("output.txt");
		String address = freeTcpAddress();
		run(this.contextRunner
			.withPropertyValues(service("writer", "agent=saturnin.text.writer", "filename=" + output, "pipe=text",
					"pipe-address=" + address, "pipe-mode=bind", "stop-on-close=false",
					"peer-timeout=" + System.getProperty("fuzz.peer-timeout", "10s"))), (context) -> {
				ButlerComponent writer = context.getBean(ButlerComponents.class).find("writer").orElseThrow();
				// By design the writer ends with ERROR when a session's data ends inside a character.
				Target target = new Target("text writer", address, "text", PipeRole.CONSUMER, UTF_8,
						server(writer, "is incomplete"), true);
				String last = text(23);
				Report report = this.fuzzer.run(target, (clients) -> {
					clients.produce(address, "text", UTF_8, lines(last));
					await().atMost(Duration.ofSeconds(10))
						.untilAsserted(() -> assertThat(Files.readString(output, StandardCharsets.UTF_8)).endsWith(last));
				});
				System.out.println(report);
				assertThat(writer.state()).isEqualTo(State.RUNNING);
			});
	}

	@Test
	void boundLineFilterInputShouldStayAnsweringUnderFuzzing() {
		fuzzFilter("line filter input", true);
	}

	@Test
	void boundLineFilterOutputShouldStayAnsweringUnderFuzzing() {
		fuzzFilter("line filter output", false);
	}

	/**
	 * A filter with both pipes bound stops once both closed, by design, so the fuzzer starts it
	 * again whenever it finished; a filter that does not answer while it runs is a lock-up all
	 * the same.
	 * <p>
	 * Its {@code peer_timeout} is 600 s unless {@code -Dfuzz.peer-timeout} is given, so that the
	 * quick run sees no ZeroMQ heartbeats; long runs with {@code -Dfuzz.peer-timeout=10s}, the
	 * pipes' default, fuzz the restarting filter with heartbeats on.
	 */
	private void fuzzFilter(String name, boolean fuzzInput) {
		String inputAddress = freeTcpAddress();
		String outputAddress = freeTcpAddress();
		run(this.contextRunner
			.withPropertyValues(service("filter", "agent=saturnin.text.linefilter", "regex=^keep", "input-pipe=in",
					"input-pipe-address=" + inputAddress, "input-pipe-mode=bind", "output-pipe=out",
					"output-pipe-address=" + outputAddress, "output-pipe-mode=bind", "max-chars=50",
					"output-batch-size=4", "peer-timeout=" + System.getProperty("fuzz.peer-timeout", "600s"))),
				(context) -> {
				ButlerComponent filter = context.getBean(ButlerComponents.class).find("filter").orElseThrow();
				Target target = fuzzInput
						? new Target(name, inputAddress, "in", PipeRole.CONSUMER, UTF_8, server(filter, "^FINISHED"), false)
						: new Target(name, outputAddress, "out", PipeRole.PRODUCER, UTF_8, server(filter, "^FINISHED"),
								false);
				String text = text(60);
				StringBuilder kept = new StringBuilder();
				text.lines().filter((line) -> line.startsWith("keep")).forEach((line) -> kept.append(line).append('\n'));
				Report report = this.fuzzer.run(target, (clients) -> {
					// A fresh run: the fuzzing left the filter with one pipe or both closed.
					filter.stop();
					filter.start();
					CompletableFuture<List<byte[]>> output = CompletableFuture
						.supplyAsync(() -> clients.consume(outputAddress, "out", UTF_8));
					clients.produce(inputAddress, "in", UTF_8, lines(text));
					List<byte[]> blocks = output.get(20, TimeUnit.SECONDS);
					assertThat(blocks).hasSizeGreaterThan(4);
					assertThat(join(blocks)).isEqualTo(kept.toString());
					await().atMost(Duration.ofSeconds(10)).until(() -> filter.state() == State.FINISHED);
					assertThat(filter.outcome()).isEqualTo(Outcome.OK);
				});
				System.out.println(report);
			});
	}

	private static void run(ApplicationContextRunner runner, ContextConsumer<AssertableApplicationContext> test) {
		assertTimeoutPreemptively(BUDGET, () -> {
			runner.run(test);
		}, () -> "the fuzz run did not end within " + BUDGET.toSeconds() + " s (a server that cannot be closed?)");
	}

	private static Server server(ButlerComponent component, String legitimateEnd) {
		Pattern mayEnd = (legitimateEnd != null) ? Pattern.compile(legitimateEnd) : null;
		return new Server() {

			@Override
			public String ended() {
				State state = component.state();
				return state.isTerminal()
						? state + " with outcome " + component.outcome() + ": " + component.details() : null;
			}

			@Override
			public boolean mayEnd(String why) {
				return mayEnd != null && why.startsWith("FINISHED") && mayEnd.matcher(why).find();
			}

			@Override
			public void start() {
				component.start();
			}

			@Override
			public int scheduledActions() {
				return component.scheduledActions().size();
			}

			@Override
			public String pipes() {
				return PipeTestSupport.pipes(component).toString();
			}

			@Override
			public String run() {
				PeerDescriptor peer = component.peer();
				return (peer != null) ? peer.uid().toString() : null;
			}

		};
	}

	private static String[] service(String id, String... options) {
		return java.util.Arrays.stream(options).map((option) -> "butler.services." + id + "." + option)
			.toArray(String[]::new);
	}

	/**
	 * Lines of text, some starting with "keep", with non-ASCII characters.
	 */
	private static String text(int lines) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < lines; i++) {
			text.append((i % 3 == 0) ? "drop" : "keep").append(" line ").append(i).append(" žluťoučký kůň ☃ 😀\n");
		}
		return text.toString();
	}

	private static List<byte[]> lines(String text) {
		List<byte[]> lines = new ArrayList<>();
		text.lines().forEach((line) -> lines.add((line + "\n").getBytes(StandardCharsets.UTF_8)));
		return lines;
	}

	private static String join(List<byte[]> payloads) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		payloads.forEach(bytes::writeBytes);
		return bytes.toString(StandardCharsets.UTF_8);
	}

}
