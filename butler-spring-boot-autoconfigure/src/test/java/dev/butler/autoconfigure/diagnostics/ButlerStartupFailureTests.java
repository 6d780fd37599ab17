package dev.butler.autoconfigure.diagnostics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.queue.FileSystemFaults;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Start-up failures caused by configuration, as a user sees them: a real application fails to start
 * on a real port in use, a real missing file, a real directory it may not write to, and Boot prints a
 * short report naming the property, the value and the cause, without a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class ButlerStartupFailureTests {

	private static final int MAX_REPORT_LINES = 15;

	private static final String UTF_8 = "text/plain;charset=utf-8";

	@TempDir
	Path directory;

	@Test
	void serviceEndpointInUseShouldNameServiceKeyAndAddress(CapturedOutput output) {
		try (ZContext zmq = new ZContext(); ZMQ.Socket squatter = zmq.createSocket(SocketType.ROUTER)) {
			squatter.bind("tcp://127.0.0.1:*");
			String address = squatter.getLastEndpoint();
			String report = failToStart(output, ApiApplication.class, "butler.services.api.address=" + address);
			assertThat(report).contains("Channel 'requests' of service 'api' cannot bind " + address
					+ " (property 'butler.services.api.address'): the address is already in use")
				.contains("Stop the process that listens on " + address
						+ ", or set property 'butler.services.api.address' to a free address.");
		}
	}

	@Test
	void pipeAddressInUseShouldNameThePipeAddressKey(CapturedOutput output) throws IOException {
		Path input = Files.writeString(this.directory.resolve("in.txt"), "one\n");
		try (ZContext zmq = new ZContext(); ZMQ.Socket squatter = zmq.createSocket(SocketType.ROUTER)) {
			squatter.bind("tcp://127.0.0.1:*");
			String address = squatter.getLastEndpoint();
			String report = failToStart(output, BareApplication.class, "butler.services.reader.agent=saturnin.text.reader",
					"butler.services.reader.filename=" + input, "butler.services.reader.pipe=text",
					"butler.services.reader.pipe-address=" + address, "butler.services.reader.pipe-mode=bind");
			assertThat(report).contains("Channel 'pipe' of service 'reader' cannot bind " + address
					+ " (property 'butler.services.reader.pipe-address'): the address is already in use")
				.contains("or set property 'butler.services.reader.pipe-address' to a free address.");
		}
	}

	@Test
	void foreignComponentAddressInUseShouldNameTheComponentAddressKey(CapturedOutput output) {
		try (ZContext zmq = new ZContext(); ZMQ.Socket squatter = zmq.createSocket(SocketType.ROUTER)) {
			squatter.bind("tcp://127.0.0.1:*");
			String address = squatter.getLastEndpoint();
			String report = failToStart(output, BareApplication.class, "butler.components.saturnin.address=" + address);
			assertThat(report).contains("Control channel of 'saturnin' cannot bind " + address
					+ " (property 'butler.components.saturnin.address'): the address is already in use")
				.contains("or set property 'butler.components.saturnin.address' to a free address.");
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
			tcp://127.0.0.1       | no port; expected tcp://<host>:<port>, e.g. tcp://127.0.0.1:5700
			tcp://127.0.0.1:http  | port 'http' is not a number from 0 to 65535, nor *
			tcp://127.0.0.1:70000 | port '70000' is not a number from 0 to 65535, nor *
			tcp://nohost.invalid:5700 | unknown host 'nohost.invalid'
			tcp://192.0.2.1:5700  | '192.0.2.1' is not an address of this host
			udp://127.0.0.1:5700  | transport 'udp://' is not supported; use tcp:// or inproc://
			127.0.0.1:5700        | not a ZeroMQ address; expected <transport>://<address>, e.g. tcp://127.0.0.1:5700
			""")
	void badServiceEndpointShouldNameKeyValueAndReason(String address, String reason, CapturedOutput output) {
		String report = failToStart(output, ApiApplication.class, "butler.services.api.address=" + address);
		assertThat(report)
			.contains("Channel 'requests' of service 'api' cannot bind " + address
					+ " (property 'butler.services.api.address'): " + reason)
			.contains("Set property 'butler.services.api.address' to a valid address: tcp://<host>:<port> "
					+ "(e.g. tcp://127.0.0.1:5700), or inproc://<name> if both ends run in this application.");
	}

	@Test
	void badPipeAddressToConnectToShouldNameTheKey(CapturedOutput output) {
		String report = failToStart(output, BareApplication.class, "butler.services.writer.agent=saturnin.text.writer",
				"butler.services.writer.filename=" + this.directory.resolve("out.txt"),
				"butler.services.writer.pipe=text", "butler.services.writer.pipe-address=tcp://127.0.0.1",
				"butler.services.writer.pipe-mode=connect", "butler.services.writer.pipe-format=" + UTF_8);
		assertThat(report)
			.contains("Channel 'pipe' of service 'writer' cannot connect to tcp://127.0.0.1 "
					+ "(property 'butler.services.writer.pipe-address'): no port")
			.contains("Set property 'butler.services.writer.pipe-address' to a valid address");
	}

	@Test
	void unknownAgentShouldNameKeyValueAndTheKnownAgents(CapturedOutput output) {
		String report = failToStart(output, BareApplication.class, "butler.services.copy.agent=saturnin.text.raeder");
		assertThat(report)
			.contains("Invalid value 'saturnin.text.raeder' for property 'butler.services.copy.agent': no standard "
					+ "service has this name or uid; known: saturnin.binary.reader, saturnin.binary.writer, "
					+ "saturnin.text.reader, ")
			.contains("Update property 'butler.services.copy.agent' in your application's configuration.");
	}

	@Test
	void foreignComponentThatNeverReportsShouldNameItsKeys(CapturedOutput output) {
		String report = failToStart(output, BareApplication.class, "butler.components.saturnin.address=tcp://127.0.0.1:*",
				"butler.components.saturnin.warm-up-timeout=200ms");
		assertThat(report).containsPattern("Foreign component 'saturnin' did not report READY on tcp://127.0.0.1:\\d+ "
				+ "\\(property 'butler.components.saturnin.address'\\) within 200 ms "
				+ "\\(property 'butler.components.saturnin.warm-up-timeout'\\)")
			.contains("'butler.components.<id>.optional=true'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "saturnin.text.reader", "saturnin.binary.reader" })
	void missingInputFileShouldNameTheFilenameKey(String agent, CapturedOutput output) {
		Path missing = this.directory.resolve("missing.dat");
		String report = failToStart(output, BareApplication.class, "butler.services.reader.agent=" + agent,
				"butler.services.reader.filename=" + missing, binaryOnly(agent, "butler.services.reader.block-size=512"),
				"butler.services.reader.pipe=data", "butler.services.reader.pipe-address=tcp://127.0.0.1:*",
				"butler.services.reader.pipe-mode=bind");
		assertThat(report)
			.contains("Invalid value '" + missing + "' for property 'butler.services.reader.filename': no such file")
			.contains("Update property 'butler.services.reader.filename' in your application's configuration.");
	}

	@ParameterizedTest
	@ValueSource(strings = { "saturnin.text.writer", "saturnin.binary.writer" })
	void outputUnderARegularFileShouldSayItIsNotADirectory(String agent, CapturedOutput output) throws IOException {
		Path file = Files.writeString(this.directory.resolve("plain"), "a file\n");
		Path target = file.resolve("out.dat");
		String report = failToStart(output, BareApplication.class, writer(agent, target));
		assertThat(report).contains("Invalid value '" + target + "' for property 'butler.services.writer.filename': '"
				+ file + "' is not a directory")
			.contains("Update property 'butler.services.writer.filename'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "saturnin.text.writer", "saturnin.binary.writer" })
	void outputInADirectoryThatRefusesWritesShouldSayPermissionIsDenied(String agent, CapturedOutput output)
			throws IOException {
		Path locked = Files.createDirectory(this.directory.resolve("locked"));
		Path target = locked.resolve("day/out.dat");
		FileSystemFaults.denyWrites(locked);
		try {
			String report = failToStart(output, BareApplication.class, writer(agent, target));
			assertThat(report).contains("Invalid value '" + target + "' for property 'butler.services.writer.filename': ")
				.containsAnyOf("Operation not permitted ('" + locked.resolve("day") + "')",
						"permission denied on '" + locked.resolve("day") + "'")
				.contains("Update property 'butler.services.writer.filename'");
		}
		finally {
			FileSystemFaults.allowWrites(locked);
		}
	}

	private static String[] writer(String agent, Path filename) {
		return new String[] { "butler.services.writer.agent=" + agent, "butler.services.writer.filename=" + filename,
				binaryOnly(agent, "butler.services.writer.file-type=stream"), "butler.services.writer.pipe=data",
				"butler.services.writer.pipe-address=tcp://127.0.0.1:*", "butler.services.writer.pipe-mode=bind" };
	}

	/**
	 * Return a property only the binary services read, or a harmless one for the text services, which
	 * would refuse it as unknown.
	 */
	private static String binaryOnly(String agent, String property) {
		return agent.contains(".binary.") ? property : "butler.enabled=true";
	}

	/**
	 * Run an application that must fail to start, and return the failure report Boot printed.
	 */
	private static String failToStart(CapturedOutput output, Class<?> application, String... properties) {
		int start = output.getAll().length();
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(properties)
			.run());
		String printed = output.getAll().substring(start);
		assertThat(printed).as("printed on failure").doesNotContain("\tat ");
		List<String> lines = printed.lines().toList();
		int first = lines.indexOf("APPLICATION FAILED TO START") - 3;
		assertThat(first).as("start of the failure report").isNotNegative();
		assertThat(lines.get(first)).contains("LoggingFailureAnalysisReporter");
		int last = lines.subList(first, lines.size()).indexOf("Action:") + first + 2;
		while (last + 1 < lines.size() && !lines.get(last + 1).isBlank()) {
			last++;
		}
		List<String> report = lines.subList(first, last + 1);
		assertThat(report).as("failure report").hasSizeLessThanOrEqualTo(MAX_REPORT_LINES);
		return String.join("\n", report);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ButlerAutoConfiguration.class)
	static class BareApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ButlerAutoConfiguration.class)
	@Import(ApiService.class)
	static class ApiApplication {

	}

	@ButlerService(id = "api")
	static class ApiService implements MicroService<ApiService.Config> {

		@Override
		public void initialize(Config config, ServiceContext context) {
			context.createChannel("requests", ZmqSocketType.ROUTER, (channel, message) -> channel.send(message));
			context.addEndpoint("requests", config.address());
		}

		record Config(@DefaultValue("tcp://127.0.0.1:*") String address) {

		}

	}

}
