package dev.butler.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.ClassPathResource;
import org.springframework.test.util.TestSocketUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the sample's log pipeline with each stage in a JVM of its own, started as README shows with
 * the {@code stage} profile, and checks what comes out.
 */
class PipelineAcrossProcessesTests {

	private static final long STAGE_TIMEOUT_SECONDS = 120;

	private final Map<Process, String> stages = new LinkedHashMap<>();

	@TempDir
	Path work;

	@AfterEach
	void destroyStages() {
		this.stages.keySet().forEach(Process::destroyForcibly);
	}

	@Test
	void readerFilterAndWriterInThreeJvmsShouldWriteTheProblemLinesAndExitWithZero() throws Exception {
		String lines = "tcp://127.0.0.1:" + TestSocketUtils.findAvailableTcpPort();
		String problems = "tcp://127.0.0.1:" + TestSocketUtils.findAvailableTcpPort();
		Path output = this.work.resolve("problems.log");
		Process writer = stage("log-writer", "--butler.services.log-writer.filename=" + output,
				"--butler.services.log-writer.pipe-address=" + problems);
		Process filter = stage("log-filter", "--butler.services.log-filter.input-pipe-address=" + lines,
				"--butler.services.log-filter.output-pipe-address=" + problems);
		Process reader = stage("log-reader", "--butler.services.log-reader.pipe-address=" + lines);
		for (Process stage : List.of(reader, filter, writer)) {
			String service = this.stages.get(stage);
			assertThat(stage.waitFor(STAGE_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as(() -> service + " exited: " + log(service))
				.isTrue();
			assertThat(stage.exitValue()).as(() -> "exit code of " + service + ": " + log(service)).isZero();
		}
		assertThat(Files.readString(output, StandardCharsets.UTF_8)).isEqualTo(expectedProblems());
	}

	private static String expectedProblems() throws IOException {
		Pattern problem = Pattern.compile(" (WARN|ERROR) ");
		try (InputStream log = new ClassPathResource("data/service.log").getInputStream()) {
			StringBuilder expected = new StringBuilder();
			new String(log.readAllBytes(), StandardCharsets.UTF_8).lines()
				.filter((line) -> problem.matcher(line).find())
				.forEach((line) -> expected.append(line).append('\n'));
			assertThat(expected).as("problem lines in the sample data").isNotEmpty();
			return expected.toString();
		}
	}

	private String log(String service) {
		try {
			return "\n" + Files.readString(this.work.resolve(service + ".out"));
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	private Process stage(String service, String... options) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), SampleApplication.class.getName(),
				"--spring.profiles.active=stage", "--butler.services." + service + ".auto-startup=true"));
		command.addAll(List.of(options));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.work.resolve(service + ".out").toFile())
			.start();
		this.stages.put(process, service);
		return process;
	}

}
