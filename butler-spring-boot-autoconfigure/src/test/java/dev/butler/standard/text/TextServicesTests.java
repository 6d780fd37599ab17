package dev.butler.standard.text;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.control.ButlerComponents;
import dev.butler.pipe.PipeTestSupport;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.PipeSocket;
import dev.butler.service.ServiceConfigurationException;

import static dev.butler.pipe.PipeTestSupport.freeTcpAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the standard text services, run by agent name from properties, over tcp, on real files.
 */
class TextServicesTests {

	private static final String UTF_8 = "text/plain;charset=utf-8";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ValidationAutoConfiguration.class));

	@TempDir
	Path directory;

	@Test
	void readerFilterWriterPipelineShouldWriteTheMatchingLinesExactly() throws IOException {
		Path input = write("input.txt", "první řádek ☃\nERROR: žluťoučký kůň\nbeta\r\nERROR 😀 dva\r\n\n"
				+ "gamma ERROR\nERROR poslední řádek bez konce", StandardCharsets.UTF_8);
		Path output = this.directory.resolve("output.txt");
		Pipeline pipeline = new Pipeline().reader(input).filter("regex=^ERROR").writer(output);
		this.contextRunner.withPropertyValues(pipeline.properties()).run((context) -> {
			awaitFinished(context.getBean(ButlerComponents.class), pipeline.ids);
			assertThat(Files.readString(output, StandardCharsets.UTF_8))
				.isEqualTo("ERROR: žluťoučký kůň\nERROR 😀 dva\r\nERROR poslední řádek bez konce");
			assertOutcomes(context.getBean(ButlerComponents.class), pipeline.ids, Outcome.OK);
		});
	}

	@Test
	void tinyBlocksShouldSplitLinesAndCharactersAnywhereAndStillFilterWholeLines() throws IOException {
		Path input = write("input.txt", "keep ☃ 😀 one\r\ndrop\rkeep two 😀😀\r\rkeep\nkeep last", StandardCharsets.UTF_8);
		Path output = this.directory.resolve("output.txt");
		Pipeline pipeline = new Pipeline().reader(input, "max_chars=3")
			.filter("regex=keep", "max-chars=4")
			.writer(output);
		this.contextRunner.withPropertyValues(pipeline.properties()).run((context) -> {
			awaitFinished(context.getBean(ButlerComponents.class), pipeline.ids);
			assertThat(Files.readString(output, StandardCharsets.UTF_8))
				.isEqualTo("keep ☃ 😀 one\r\nkeep two 😀😀\rkeep\nkeep last");
			assertOutcomes(context.getBean(ButlerComponents.class), pipeline.ids, Outcome.OK);
		});
	}

	@Test
	void filterWithSpelExpressionShouldPassLinesForWhichItIsTrue() throws IOException {
		Path input = write("input.txt", "# comment\nab\nlong enough\n#line\nthree\n", StandardCharsets.UTF_8);
		Path output = this.directory.resolve("output.txt");
		Pipeline pipeline = new Pipeline().reader(input)
			.filter("expr=length() > 2 and !#line.startsWith('#')")
			.writer(output);
		this.contextRunner.withPropertyValues(pipeline.properties()).run((context) -> {
			awaitFinished(context.getBean(ButlerComponents.class), pipeline.ids);
			assertThat(Files.readString(output, StandardCharsets.UTF_8)).isEqualTo("long enough\nthree\n");
		});
	}

	@Test
	void charsetsShouldBeConvertedFromFileToPipeToFile() throws IOException {
		String text = "Příliš žluťoučký kůň úpěl ďábelské ódy\n";
		Path input = write("input.txt", text, Charset.forName("ISO-8859-2"));
		Path output = this.directory.resolve("output.txt");
		Pipeline pipeline = new Pipeline().reader(input, "file-format=text/plain;charset=iso8859_2")
			.writer(output, "file_format=text/plain;charset=windows-1250", "pipe-format=text/plain;charset=utf_16");
		this.contextRunner.withPropertyValues(pipeline.properties()).run((context) -> {
			awaitFinished(context.getBean(ButlerComponents.class), pipeline.ids);
			assertThat(Files.readAllBytes(output)).isEqualTo(text.getBytes(Charset.forName("windows-1250")));
		});
	}

	@Test
	void readerShouldSendBlocksOfMaxCharsCharactersInBatchesOfFive() throws IOException {
		Path input = write("input.txt", "ab😀cdéf\nghij", StandardCharsets.UTF_8);
		Pipeline pipeline = new Pipeline().reader(input, "max-chars=4");
		String address = pipeline.readerAddress;
		this.contextRunner.withPropertyValues(pipeline.properties())
			.run((context) -> {
				try (ZContext zmq = new ZContext(); ZMQ.Socket client = PipeTestSupport.client(zmq, address)) {
					PipeTestSupport.send(client, FbdpMessage.open("text", PipeSocket.OUTPUT, UTF_8));
					assertThat(PipeTestSupport.receive(client)).isEqualTo(FbdpMessage.ready(5));
					PipeTestSupport.send(client, FbdpMessage.ready(5));
					List<String> blocks = new ArrayList<>();
					FbdpMessage message;
					while ((message = PipeTestSupport.receive(client)) instanceof FbdpMessage.Data data) {
						blocks.add(new String(data.payload(), StandardCharsets.UTF_8));
					}
					assertThat(blocks).containsExactly("ab😀c", "déf\n", "ghij");
					assertThat(((FbdpMessage.Close) message).code()).isEqualTo(FbdpErrorCode.OK);
				}
			});
	}

	@Test
	void readerShouldRefuseFormatsOtherThanTextWith103AndEncodeInTheClientsCharset() throws IOException {
		Path input = write("input.txt", "Grüße\n", StandardCharsets.UTF_8);
		Pipeline pipeline = new Pipeline().reader(input, "stop-on-close=false");
		String address = pipeline.readerAddress;
		this.contextRunner.withPropertyValues(pipeline.properties())
			.run((context) -> {
				try (ZContext zmq = new ZContext()) {
					try (ZMQ.Socket client = PipeTestSupport.client(zmq, address)) {
						PipeTestSupport.send(client,
								FbdpMessage.open("text", PipeSocket.OUTPUT, "text/plain;charset=iso-8859-1"));
						assertThat(PipeTestSupport.receive(client)).isEqualTo(FbdpMessage.ready(5));
						PipeTestSupport.send(client, FbdpMessage.ready(5));
						FbdpMessage.Data data = (FbdpMessage.Data) PipeTestSupport.receive(client);
						assertThat(data.payload()).isEqualTo("Grüße\n".getBytes(StandardCharsets.ISO_8859_1));
						FbdpMessage.Close end = (FbdpMessage.Close) PipeTestSupport.receive(client);
						assertThat(end.code()).isEqualTo(FbdpErrorCode.OK);
					}
					// A session that ended does not stop the reader (stop_on_close=false): more clients may come.
					assertRefused(zmq, address, "application/octet-stream", "only 'text/plain' is supported");
					assertRefused(zmq, address, "text/plain;charset=utf-8;lang=de", "unknown MIME parameter 'lang'");
					assertRefused(zmq, address, "text/plain;charset=klingon", "unknown charset 'klingon'");
					assertRefused(zmq, address, "text/plain;charset=ISO-2022-CN", "can only decode, not encode");
				}
			});
	}

	@Test
	void unparseableDataFormatsShouldBeRefusedWith103AndAMessageWhileTheNextClientIsServed() throws IOException {
		Path output = this.directory.resolve("output.txt");
		Pipeline pipeline = new Pipeline().writer(output, "pipe-mode=bind", "stop-on-close=false");
		String address = pipeline.readerAddress;
		this.contextRunner.withPropertyValues(pipeline.properties()).run((context) -> {
			try (ZContext zmq = new ZContext()) {
				assertRefused(zmq, address, PipeSocket.INPUT, ";;;", "no MIME type before ';'");
				assertRefused(zmq, address, PipeSocket.INPUT, "text/plain;charset=", "parameter 'charset' has no value");
				assertRefused(zmq, address, PipeSocket.INPUT, "text/plain;charset=nope", "unknown charset 'nope'");
				assertRefused(zmq, address, PipeSocket.INPUT, "text/plain;charset=ütf-8", "unknown charset 'ütf-8'");
				String longFormat = "text/plain;charset=" + "x".repeat(10_000);
				try (ZMQ.Socket client = PipeTestSupport.client(zmq, address)) {
					PipeTestSupport.send(client, FbdpMessage.open("text", PipeSocket.INPUT, longFormat));
					FbdpMessage.Close close = (FbdpMessage.Close) PipeTestSupport.receive(client);
					assertThat(close.code()).isEqualTo(FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED);
					assertThat(close.errors()).singleElement()
						.satisfies((error) -> assertThat(error.getDescription()).contains("(10019 characters)")
							.hasSizeLessThan(400));
				}
				try (ZMQ.Socket client = PipeTestSupport.client(zmq, address)) {
					PipeTestSupport.send(client, FbdpMessage.open("text", PipeSocket.INPUT, UTF_8));
					assertThat(PipeTestSupport.receive(client)).isEqualTo(FbdpMessage.ready(5));
					PipeTestSupport.send(client, FbdpMessage.ready(1));
					PipeTestSupport.send(client, FbdpMessage.data("served\n".getBytes(StandardCharsets.UTF_8)));
					assertThat(PipeTestSupport.receive(client)).isEqualTo(FbdpMessage.ready(5));
					PipeTestSupport.send(client, FbdpMessage.close(FbdpErrorCode.OK));
				}
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(Files.readString(output, StandardCharsets.UTF_8)).isEqualTo("served\n"));
			}
		});
	}

	@Test
	void missingInputFileShouldFailStartupNamingTheProperty() {
		Path missing = this.directory.resolve("missing.txt");
		this.contextRunner.withPropertyValues(new Pipeline().reader(missing).properties())
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining(ServiceConfigurationException.class.getName() + ": Invalid value '" + missing
						+ "' for property 'butler.services.reader.filename': no such file"));
	}

	@Test
	void readerShouldReadClassPathResourcesAndWriterShouldCreateMissingDirectories() throws IOException {
		Path output = this.directory.resolve("new/directories/output.txt");
		Pipeline pipeline = new Pipeline().reader(Path.of("classpath:text-reader/greeting.txt")).writer(output);
		this.contextRunner.withPropertyValues(pipeline.properties()).run((context) -> {
			awaitFinished(context.getBean(ButlerComponents.class), pipeline.ids);
			assertThat(Files.readString(output, StandardCharsets.UTF_8)).isEqualTo("Ahoj, světe!\nSecond line\n");
		});
	}

	@Test
	void missingClassPathResourceShouldFailStartupNamingTheProperty() {
		Pipeline pipeline = new Pipeline().reader(Path.of("classpath:text-reader/missing.txt"));
		this.contextRunner.withPropertyValues(pipeline.properties())
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid value 'classpath:text-reader/missing.txt' for property "
						+ "'butler.services.reader.filename': no such file"));
	}

	@Test
	void boundWriterShouldAddWhatEachClientSendsToTheSameFileAndRefuseOtherFormats() throws IOException {
		Path output = write("output.txt", "old\n", StandardCharsets.UTF_8);
		Pipeline pipeline = new Pipeline().writer(output, "pipe-mode=bind", "stop-on-close=false");
		String address = pipeline.readerAddress;
		this.contextRunner.withPropertyValues(pipeline.properties()).run((context) -> {
			try (ZContext zmq = new ZContext()) {
				for (String text : List.of("první\n", "druhý\n")) {
					try (ZMQ.Socket client = PipeTestSupport.client(zmq, address)) {
						PipeTestSupport.send(client, FbdpMessage.open("text", PipeSocket.INPUT, UTF_8));
						assertThat(PipeTestSupport.receive(client)).isEqualTo(FbdpMessage.ready(5));
						PipeTestSupport.send(client, FbdpMessage.ready(1));
						PipeTestSupport.send(client, FbdpMessage.data(text.getBytes(StandardCharsets.UTF_8)));
						assertThat(PipeTestSupport.receive(client)).isEqualTo(FbdpMessage.ready(5));
						PipeTestSupport.send(client, FbdpMessage.close(FbdpErrorCode.OK));
					}
				}
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(Files.readString(output, StandardCharsets.UTF_8))
						.isEqualTo("první\ndruhý\n"));
				try (ZMQ.Socket client = PipeTestSupport.client(zmq, address)) {
					String proto = "application/x.fb.proto;type=firebird.butler.TraceEvent";
					PipeTestSupport.send(client, FbdpMessage.open("text", PipeSocket.INPUT, proto));
					FbdpMessage.Close close = (FbdpMessage.Close) PipeTestSupport.receive(client);
					assertThat(close.code()).isEqualTo(FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED);
				}
			}
		});
	}

	@Test
	void writerInCreateModeShouldFailStartupIfTheFileExists() throws IOException {
		Path input = write("input.txt", "new\n", StandardCharsets.UTF_8);
		Path output = write("output.txt", "old\n", StandardCharsets.UTF_8);
		Pipeline pipeline = new Pipeline().reader(input).writer(output, "file-mode=create");
		this.contextRunner.withPropertyValues(pipeline.properties())
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("for property 'butler.services.writer.filename': the file exists, and "
						+ "file_mode CREATE does not overwrite it"));
		assertThat(Files.readString(output)).isEqualTo("old\n");
	}

	@Test
	void writerWhoseDirectoryIsAFileShouldSaySoInsteadOfThatTheFileExists() throws IOException {
		Path input = write("input.txt", "new\n", StandardCharsets.UTF_8);
		Path notADirectory = write("plain.txt", "a file\n", StandardCharsets.UTF_8);
		Pipeline pipeline = new Pipeline().reader(input).writer(notADirectory.resolve("output.txt"));
		this.contextRunner.withPropertyValues(pipeline.properties())
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("for property 'butler.services.writer.filename': '" + notADirectory
						+ "' is not a directory")
				.satisfies((failure) -> assertThat(String.valueOf(failure)).doesNotContain("file exists")));
	}

	@Test
	void writerInCreateModeShouldCreateANewFile() throws IOException {
		Path input = write("input.txt", "new\n", StandardCharsets.UTF_8);
		Path output = this.directory.resolve("output.txt");
		Pipeline pipeline = new Pipeline().reader(input).writer(output, "file_mode=CREATE");
		this.contextRunner.withPropertyValues(pipeline.properties()).run((context) -> {
			awaitFinished(context.getBean(ButlerComponents.class), pipeline.ids);
			assertThat(Files.readString(output)).isEqualTo("new\n");
		});
	}

	@Test
	void writerInAppendModeShouldKeepWhatTheFileHeld() throws IOException {
		Path input = write("input.txt", "nové\n", StandardCharsets.UTF_8);
		Path output = write("output.txt", "staré\n", StandardCharsets.UTF_8);
		Pipeline pipeline = new Pipeline().reader(input).writer(output, "file-mode=append");
		this.contextRunner.withPropertyValues(pipeline.properties()).run((context) -> {
			awaitFinished(context.getBean(ButlerComponents.class), pipeline.ids);
			assertThat(Files.readString(output)).isEqualTo("staré\nnové\n");
		});
	}

	@Test
	void writerInWriteModeShouldReplaceWhatTheFileHeld() throws IOException {
		Path input = write("input.txt", "new\n", StandardCharsets.UTF_8);
		Path output = write("output.txt", "old and longer\n", StandardCharsets.UTF_8);
		Pipeline pipeline = new Pipeline().reader(input).writer(output);
		this.contextRunner.withPropertyValues(pipeline.properties()).run((context) -> {
			awaitFinished(context.getBean(ButlerComponents.class), pipeline.ids);
			assertThat(Files.readString(output)).isEqualTo("new\n");
		});
	}

	@Test
	void writerInRenameModeShouldMoveTheOldFileToTheFirstFreeNumber() throws IOException {
		Path input = write("input.txt", "newest\n", StandardCharsets.UTF_8);
		Path output = write("output.txt", "old\n", StandardCharsets.UTF_8);
		write("output.txt.1", "older\n", StandardCharsets.UTF_8);
		Pipeline pipeline = new Pipeline().reader(input).writer(output, "file-mode=rename");
		this.contextRunner.withPropertyValues(pipeline.properties()).run((context) -> {
			awaitFinished(context.getBean(ButlerComponents.class), pipeline.ids);
			assertThat(Files.readString(output)).isEqualTo("newest\n");
			assertThat(Files.readString(this.directory.resolve("output.txt.1"))).isEqualTo("older\n");
			assertThat(Files.readString(this.directory.resolve("output.txt.2"))).isEqualTo("old\n");
		});
	}

	@Test
	void writerToStdoutShouldRefuseModesOtherThanWrite() throws IOException {
		Path input = write("input.txt", "text\n", StandardCharsets.UTF_8);
		this.contextRunner.withPropertyValues(new Pipeline().reader(input).writer(Path.of("STDOUT"), "file-mode=append")
			.properties())
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid value 'APPEND' for property 'butler.services.writer.file-mode': "
						+ "'stdout' supports only file mode WRITE"));
	}

	@Test
	void filterWithPythonFunctionShouldFailStartupSayingWhatToUseInstead() throws IOException {
		Path input = write("input.txt", "text\n", StandardCharsets.UTF_8);
		Pipeline pipeline = new Pipeline().reader(input).filter("func=my_module:accept").writer(this.directory.resolve("output.txt"));
		this.contextRunner.withPropertyValues(pipeline.properties())
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid value 'my_module:accept' for property 'butler.services.filter.func': "
						+ "Python functions cannot run in this implementation; filter with 'regex'"));
	}

	@Test
	void filterWithTwoDefinitionsShouldFailStartup() throws IOException {
		Path input = write("input.txt", "text\n", StandardCharsets.UTF_8);
		Pipeline pipeline = new Pipeline().reader(input).filter("regex=a", "expr=true").writer(this.directory.resolve("output.txt"));
		this.contextRunner.withPropertyValues(pipeline.properties())
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("for property 'butler.services.filter.expr': exactly one of 'regex', 'expr' "
						+ "and 'func' must define the filter, but regex and expr are set"));
	}

	@Test
	void filterWithBadRegexShouldFailStartupNamingIt() throws IOException {
		Path input = write("input.txt", "text\n", StandardCharsets.UTF_8);
		Pipeline pipeline = new Pipeline().reader(input).filter("regex=(unclosed").writer(this.directory.resolve("output.txt"));
		this.contextRunner.withPropertyValues(pipeline.properties())
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid value '(unclosed' for property 'butler.services.filter.regex': "
						+ "not a Java regular expression"));
	}

	private void assertRefused(ZContext zmq, String address, String format, String description) {
		assertRefused(zmq, address, PipeSocket.OUTPUT, format, description);
	}

	private void assertRefused(ZContext zmq, String address, PipeSocket socket, String format, String description) {
		try (ZMQ.Socket client = PipeTestSupport.client(zmq, address)) {
			PipeTestSupport.send(client, FbdpMessage.open("text", socket, format));
			FbdpMessage.Close close = (FbdpMessage.Close) PipeTestSupport.receive(client);
			assertThat(close.code()).isEqualTo(FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED);
			assertThat(close.code().code()).isEqualTo(103);
			assertThat(close.errors()).singleElement()
				.satisfies((error) -> assertThat(error.getDescription()).contains(format).contains(description));
		}
	}

	private Path write(String name, String content, Charset charset) throws IOException {
		return Files.writeString(this.directory.resolve(name), content, charset);
	}

	private static void awaitFinished(ButlerComponents components, List<String> ids) {
		await().atMost(Duration.ofSeconds(20))
			.alias("all services finished")
			.until(() -> ids.stream().allMatch((id) -> components.find(id).orElseThrow().state().isTerminal()));
	}

	private static void assertOutcomes(ButlerComponents components, List<String> ids, Outcome outcome) {
		for (String id : ids) {
			assertThat(components.find(id).orElseThrow().outcome()).as(id).isEqualTo(outcome);
		}
	}

	/**
	 * Properties of a reader (bound), an optional line filter and a writer (both connecting).
	 */
	private static final class Pipeline {

		private final List<String> properties = new ArrayList<>();

		final List<String> ids = new ArrayList<>();

		final String readerAddress = freeTcpAddress();

		private final String filterAddress = freeTcpAddress();

		Pipeline reader(Path file, String... options) {
			add("reader", "agent=saturnin.text.reader", "filename=" + file, "pipe=text", "pipe-address=" + this.readerAddress,
					"pipe-mode=bind");
			add("reader", options);
			return this;
		}

		Pipeline filter(String... options) {
			add("filter", "agent=saturnin.text.linefilter", "input-pipe=text", "input-pipe-address=" + this.readerAddress,
					"input-pipe-mode=connect", "input-pipe-format=" + UTF_8, "output-pipe=filtered",
					"output-pipe-address=" + this.filterAddress, "output-pipe-mode=bind");
			add("filter", options);
			return this;
		}

		Pipeline writer(Path file, String... options) {
			boolean filtered = this.ids.contains("filter");
			add("writer", "agent=saturnin.text.writer", "filename=" + file, "pipe=" + (filtered ? "filtered" : "text"),
					"pipe-address=" + (filtered ? this.filterAddress : this.readerAddress), "pipe-mode=connect",
					"pipe-format=" + UTF_8);
			add("writer", options);
			return this;
		}

		String[] properties() {
			return this.properties.toArray(String[]::new);
		}

		private void add(String id, String... options) {
			if (!this.ids.contains(id)) {
				this.ids.add(id);
			}
			for (String option : options) {
				this.properties.add("butler.services." + id + "." + option);
			}
		}

	}

}
