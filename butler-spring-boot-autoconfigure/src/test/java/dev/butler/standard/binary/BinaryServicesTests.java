package dev.butler.standard.binary;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.pipe.DataProducerService;
import dev.butler.protocol.AgentDescriptor;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.protocol.VendorUids;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.PipeSocket;
import dev.butler.service.ButlerService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.standard.StandardServices;

import static dev.butler.pipe.PipeTestSupport.client;
import static dev.butler.pipe.PipeTestSupport.freeTcpAddress;
import static dev.butler.pipe.PipeTestSupport.receive;
import static dev.butler.pipe.PipeTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the standard binary reader and writer, run by agent name or uid over tcp with real files.
 */
class BinaryServicesTests {

	private static final String READER_UID = "3db461de-f32e-5514-910d-7d021a2436a5";

	private static final String WRITER_UID = "7808ca4f-45fa-507f-acbc-cb6acfe6dba3";

	private static final String OCTET_STREAM = "application/octet-stream";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ValidationAutoConfiguration.class));

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "reader", "writer" })
	void readerToWriterShouldCopyAFileByteForByte(String bound) throws Exception {
		byte[] content = randomBytes(1024 * 1024 + 1000);
		Path source = write("source.bin", content);
		Path copy = write("copy.bin", randomBytes(2 * 1024 * 1024));
		String address = freeTcpAddress();
		this.contextRunner
			.withPropertyValues(reader(bound.equals("reader") ? "bind" : "connect", address, source, 4096))
			.withPropertyValues(writer(bound.equals("writer") ? "bind" : "connect", address, copy, "stream"))
			.run((context) -> {
				awaitFinished(context, "writer");
				assertThat(Files.readAllBytes(copy)).isEqualTo(content);
				assertThat(component(context, "writer").outcome()).isEqualTo(Outcome.OK);
			});
	}

	@Test
	void readerWithFixedBlockSizeShouldSendBlocksOfThatSizeAndAShorterLastOne() throws Exception {
		byte[] content = randomBytes(2500);
		Path source = write("source.bin", content);
		Path blocks = this.dir.resolve("blocks.bin");
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(reader("bind", address, source, 1000))
			.withPropertyValues(writer("connect", address, blocks, "block"))
			.run((context) -> {
				awaitFinished(context, "writer");
				assertThat(parseBlocks(Files.readAllBytes(blocks))).extracting((block) -> block.length)
					.containsExactly(1000, 1000, 500);
			});
	}

	@Test
	void blockFileWrittenByTheWriterShouldGiveBackThePayloadsThroughTheReader() throws Exception {
		List<byte[]> payloads = List.of(bytes("first"), randomBytes(70_000), new byte[0], bytes("after the empty one"),
				randomBytes(3));
		Payloads.payloads = payloads;
		Path blocks = this.dir.resolve("blocks.bin");
		String first = freeTcpAddress();
		this.contextRunner.withUserConfiguration(Payloads.class)
			.withPropertyValues("butler.services.payloads.pipe=data", "butler.services.payloads.pipe_address=" + first,
					"butler.services.payloads.pipe_mode=connect", "butler.services.payloads.pipe_format=" + OCTET_STREAM,
					"butler.services.payloads.batch_size=2", "butler.services.payloads.stop_on_close=false")
			.withPropertyValues(writer("bind", first, blocks, "block"))
			.run((context) -> awaitFinished(context, "writer"));
		assertThat(parseBlocks(Files.readAllBytes(blocks))).containsExactlyElementsOf(payloads);
		Path stream = this.dir.resolve("stream.bin");
		String second = freeTcpAddress();
		this.contextRunner.withPropertyValues(reader("bind", second, blocks, -1))
			.withPropertyValues(writer("connect", second, stream, "stream"))
			.run((context) -> {
				awaitFinished(context, "writer");
				assertThat(component(context, "writer").outcome()).isEqualTo(Outcome.OK);
			});
		assertThat(Files.readAllBytes(stream)).isEqualTo(concat(payloads));
	}

	@ParameterizedTest
	@ValueSource(strings = { "block", "prefix" })
	void truncatedBlockFileShouldCloseThePipeWithInvalidData(String truncated) throws Exception {
		ByteArrayOutputStream file = new ByteArrayOutputStream();
		file.write(BlockFormat.prefix(5));
		file.write(bytes("hello"));
		if (truncated.equals("block")) {
			file.write(BlockFormat.prefix(100));
			file.write(new byte[20]);
		}
		else {
			file.write(new byte[] { 0, 0 });
		}
		Path source = write("truncated.bin", file.toByteArray());
		Path copy = this.dir.resolve("copy.bin");
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(reader("bind", address, source, -1))
			.withPropertyValues(writer("connect", address, copy, "stream"))
			.run((context) -> {
				awaitFinished(context, "writer");
				ButlerComponent writer = component(context, "writer");
				assertThat(writer.outcome()).isEqualTo(Outcome.ERROR);
				String expected = truncated.equals("block")
						? "Truncated block at byte 9 of '" + source + "': its length prefix announces 100 bytes, but only 20 follow"
						: "Truncated length prefix at byte 9 of '" + source + "': 2 of 4 bytes";
				assertThat(writer.details()).singleElement(InstanceOfAssertFactories.STRING)
					.contains("closed with INVALID_DATA: " + expected);
				assertThat(Files.readAllBytes(copy)).isEqualTo(bytes("hello"));
			});
	}

	@Test
	void writerInCreateModeShouldRefuseToStartOnAnExistingFile() throws Exception {
		Path existing = write("existing.bin", bytes("keep me"));
		this.contextRunner.withPropertyValues(writer("bind", freeTcpAddress(), existing, "stream"))
			.withPropertyValues("butler.services.writer.file_mode=create")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining(ServiceConfigurationException.class.getName() + ": Invalid value '" + existing
						+ "' for property 'butler.services.writer.filename': the file exists, and file_mode CREATE "
						+ "does not overwrite it"));
		assertThat(Files.readAllBytes(existing)).isEqualTo(bytes("keep me"));
	}

	@Test
	void writerShouldCreateMissingDirectoriesOfItsFile() throws Exception {
		byte[] content = randomBytes(1000);
		Path source = write("source.bin", content);
		Path nested = this.dir.resolve("a").resolve("b").resolve("copy.bin");
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(reader("bind", address, source, 4096))
			.withPropertyValues(writer("connect", address, nested, "stream"))
			.run((context) -> {
				awaitFinished(context, "writer");
				assertThat(Files.readAllBytes(nested)).isEqualTo(content);
			});
	}

	@Test
	void writerWhoseDirectoryIsAFileShouldSaySoInsteadOfThatTheFileExists() throws Exception {
		Path notADirectory = write("plain.bin", bytes("a file"));
		Path target = notADirectory.resolve("copy.bin");
		this.contextRunner.withPropertyValues(writer("bind", freeTcpAddress(), target, "stream"))
			.withPropertyValues("butler.services.writer.file_mode=create")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("for property 'butler.services.writer.filename': '" + notADirectory
						+ "' is not a directory"));
	}

	@Test
	void writerInCreateModeShouldWriteANewFile() throws Exception {
		byte[] content = randomBytes(10_000);
		Path source = write("source.bin", content);
		Path created = this.dir.resolve("created.bin");
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(reader("bind", address, source, 4096))
			.withPropertyValues(writer("connect", address, created, "stream"))
			.withPropertyValues("butler.services.writer.file_mode=create")
			.run((context) -> {
				awaitFinished(context, "writer");
				assertThat(Files.readAllBytes(created)).isEqualTo(content);
			});
	}

	@Test
	void writerInAppendModeShouldAddToTheExistingFile() throws Exception {
		byte[] content = randomBytes(10_000);
		Path source = write("source.bin", content);
		Path target = write("target.bin", bytes("head:"));
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(reader("bind", address, source, 4096))
			.withPropertyValues(writer("connect", address, target, "stream"))
			.withPropertyValues("butler.services.writer.file_mode=append")
			.run((context) -> {
				awaitFinished(context, "writer");
				assertThat(Files.readAllBytes(target)).isEqualTo(concat(List.of(bytes("head:"), content)));
			});
	}

	@Test
	void writerInRenameModeShouldMoveTheExistingFileToTheNextFreeNumber() throws Exception {
		byte[] content = randomBytes(10_000);
		Path source = write("source.bin", content);
		Path target = write("target.bin", bytes("previous"));
		write("target.bin.1", bytes("before that"));
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(reader("bind", address, source, 4096))
			.withPropertyValues(writer("connect", address, target, "stream"))
			.withPropertyValues("butler.services.writer.file_mode=rename")
			.run((context) -> {
				awaitFinished(context, "writer");
				assertThat(Files.readAllBytes(target)).isEqualTo(content);
				assertThat(this.dir.resolve("target.bin.2")).hasBinaryContent(bytes("previous"));
				assertThat(this.dir.resolve("target.bin.1")).hasBinaryContent(bytes("before that"));
			});
	}

	@Test
	void writerShouldRefuseAClientWhoseMimeTypeIsNotOctetStreamButIgnoreParameters() throws Exception {
		Path target = this.dir.resolve("target.bin");
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(writer("bind", address, target, "stream"))
			.withPropertyValues("butler.services.writer.stop_on_close=false")
			.run((context) -> {
				try (ZContext zmq = new ZContext(); ZMQ.Socket client = client(zmq, address)) {
					send(client, FbdpMessage.open("data", PipeSocket.INPUT, "text/plain;charset=utf-8"));
					FbdpMessage.Close close = (FbdpMessage.Close) receive(client);
					assertThat(close.code()).isEqualTo(FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED);
					assertThat(close.errors()).singleElement()
						.satisfies((error) -> assertThat(error.getDescription()).isEqualTo(
								"MIME type 'text/plain' is not supported: this binary writer takes 'application/octet-stream'"));
					assertThat(component(context, "writer").state()).isEqualTo(State.RUNNING);
					produce(client, "application/octet-stream;origin=test", bytes("abc"), bytes("def"));
					await().atMost(Duration.ofSeconds(5))
						.untilAsserted(() -> assertThat(target).hasBinaryContent(bytes("abcdef")));
				}
			});
	}

	@Test
	void readerShouldServeOnlyItsPipeFormatIncludingParameters() {
		Path source = write("source.bin", bytes("abcdefgh"));
		String address = freeTcpAddress();
		String format = "application/x.fb.proto;type=firebird.butler.Sample";
		this.contextRunner.withPropertyValues(reader("bind", address, source, 3))
			.withPropertyValues("butler.services.reader.pipe_format=" + format)
			.run((context) -> {
				try (ZContext zmq = new ZContext(); ZMQ.Socket client = client(zmq, address)) {
					assertRefused(client, OCTET_STREAM);
					assertRefused(client, "application/x.fb.proto;type=firebird.butler.Other");
					assertThat(consume(client, format)).containsExactly("abc", "def", "gh");
				}
			});
	}

	@Test
	void boundReaderOutlivingItsPipeShouldSendTheWholeFileToEachClient() {
		Path source = write("source.bin", bytes("abcdefgh"));
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(reader("bind", address, source, 3))
			.withPropertyValues("butler.services.reader.stop_on_close=false")
			.run((context) -> {
				try (ZContext zmq = new ZContext(); ZMQ.Socket client = client(zmq, address)) {
					assertThat(consume(client, OCTET_STREAM)).containsExactly("abc", "def", "gh");
					assertThat(consume(client, OCTET_STREAM)).containsExactly("abc", "def", "gh");
				}
				assertThat(component(context, "reader").state()).isEqualTo(State.RUNNING);
			});
	}

	@Test
	void boundWriterOutlivingItsPipeShouldFlushAtEachCloseAndAddTheNextSessionToTheFile() {
		Path target = this.dir.resolve("target.bin");
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(writer("bind", address, target, "block"))
			.withPropertyValues("butler.services.writer.stop_on_close=false")
			.run((context) -> {
				try (ZContext zmq = new ZContext(); ZMQ.Socket client = client(zmq, address)) {
					produce(client, OCTET_STREAM, bytes("one"), bytes("two"));
					await().atMost(Duration.ofSeconds(5))
						.untilAsserted(() -> assertThat(parseBlocks(Files.readAllBytes(target)))
							.containsExactly(bytes("one"), bytes("two")));
					produce(client, OCTET_STREAM, bytes("three"));
					await().atMost(Duration.ofSeconds(5))
						.untilAsserted(() -> assertThat(parseBlocks(Files.readAllBytes(target)))
							.containsExactly(bytes("one"), bytes("two"), bytes("three")));
				}
				assertThat(component(context, "writer").state()).isEqualTo(State.RUNNING);
			});
	}

	@Test
	void readerShouldReadTheStandardInput() throws Exception {
		byte[] content = randomBytes(50_000);
		Path copy = this.dir.resolve("copy.bin");
		String address = freeTcpAddress();
		InputStream stdin = System.in;
		System.setIn(new ByteArrayInputStream(content));
		try {
			this.contextRunner.withPropertyValues(reader("bind", address, Path.of("STDIN"), 4096))
				.withPropertyValues(writer("connect", address, copy, "stream"))
				.run((context) -> awaitFinished(context, "writer"));
		}
		finally {
			System.setIn(stdin);
		}
		assertThat(copy).hasBinaryContent(content);
	}

	@Test
	void readerOfAMissingFileShouldFailStartupNamingTheProperty() {
		Path missing = this.dir.resolve("missing.bin");
		this.contextRunner.withPropertyValues(reader("bind", freeTcpAddress(), missing, 4096))
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid value '" + missing
						+ "' for property 'butler.services.reader.filename': no such file"));
	}

	@Test
	void readerWithBlockSizeZeroShouldFailStartupNamingTheProperty() {
		Path source = write("source.bin", bytes("abc"));
		this.contextRunner.withPropertyValues(reader("bind", freeTcpAddress(), source, 0))
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid value '0' for property 'butler.services.reader.block-size': "
						+ "must be positive, or -1"));
	}

	@Test
	void writerToStandardOutputShouldOnlyAcceptWriteMode() {
		this.contextRunner.withPropertyValues(writer("bind", freeTcpAddress(), Path.of("stdout"), "stream"))
			.withPropertyValues("butler.services.writer.file_mode=append")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid value 'APPEND' for property 'butler.services.writer.file-mode': "
						+ "'stdout' supports only file mode WRITE"));
	}

	@Test
	void writerWithoutFileTypeShouldFailStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues(writer("bind", freeTcpAddress(), this.dir.resolve("out.bin"), ""))
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("for property 'butler.services.writer.file-type': must not be null"));
	}

	@Test
	void writerWithoutFileTypeShouldFailStartupAlikeWithoutAValidatorOfTheApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class))
			.withPropertyValues(writer("bind", freeTcpAddress(), this.dir.resolve("out.bin"), ""))
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid value 'null' for property 'butler.services.writer.file-type': must not be null"));
	}

	@Test
	void servicesShouldCarrySaturninsAgentIdentity() {
		assertThat(StandardServices.find("saturnin.binary.reader")).contains(BinaryReaderService.class);
		assertThat(StandardServices.find(READER_UID.toUpperCase())).contains(BinaryReaderService.class);
		assertThat(StandardServices.find(WRITER_UID)).contains(BinaryWriterService.class);
		Path source = write("source.bin", bytes("abc"));
		this.contextRunner.withPropertyValues(reader("bind", freeTcpAddress(), source, 1))
			.withPropertyValues(writer("bind", freeTcpAddress(), this.dir.resolve("out.bin"), "stream"))
			.run((context) -> {
				AgentDescriptor reader = component(context, "reader").agent();
				assertThat(reader.uid()).hasToString(READER_UID);
				assertThat(reader.name()).isEqualTo("saturnin.binary.reader");
				assertThat(reader.version()).isEqualTo("0.1.1");
				assertThat(reader.vendor()).isEqualTo(VendorUids.SATURNIN);
				assertThat(reader.classification()).isEqualTo("binary/reader");
				assertThat(reader.description()).isEqualTo("Binary data reader microservice");
				AgentDescriptor writer = component(context, "writer").agent();
				assertThat(writer.uid()).hasToString(WRITER_UID);
				assertThat(writer.name()).isEqualTo("saturnin.binary.writer");
				assertThat(writer.version()).isEqualTo("0.1.1");
				assertThat(writer.vendor()).isEqualTo(VendorUids.SATURNIN);
				assertThat(writer.classification()).isEqualTo("binary/writer");
				assertThat(writer.description()).isEqualTo("Binary data writer microservice");
			});
	}

	/**
	 * The reader chosen by agent name. It outlives its pipe: a pipe whose peer stops right after its
	 * last messages may see the connection drop before it has read them and take the peer for gone,
	 * so a producer that stopped at once would make these tests flaky.
	 */
	private static String[] reader(String mode, String address, Path file, int blockSize) {
		return new String[] { "butler.services.reader.agent=saturnin.binary.reader", "butler.services.reader.pipe=data",
				"butler.services.reader.pipe_address=" + address, "butler.services.reader.pipe_mode=" + mode,
				"butler.services.reader.pipe_format=" + OCTET_STREAM, "butler.services.reader.batch_size=7",
				"butler.services.reader.filename=" + file, "butler.services.reader.block_size=" + blockSize,
				"butler.services.reader.stop_on_close=false" };
	}

	/**
	 * The writer chosen by agent uid.
	 */
	private static String[] writer(String mode, String address, Path file, String fileType) {
		return new String[] { "butler.services.writer.agent=" + WRITER_UID, "butler.services.writer.pipe=data",
				"butler.services.writer.pipe_address=" + address, "butler.services.writer.pipe_mode=" + mode,
				"butler.services.writer.pipe_format=" + OCTET_STREAM, "butler.services.writer.batch_size=5",
				"butler.services.writer.filename=" + file, "butler.services.writer.file_type=" + fileType };
	}

	/**
	 * Be a raw producer client of a bound writer: one batch of {@code payloads}, then CLOSE(OK). A
	 * client's later sessions use the same socket: a bound pipe that sees a previous connection drop
	 * after a new client's OPEN may take the new client for gone.
	 */
	private static void produce(ZMQ.Socket client, String format, byte[]... payloads) {
		send(client, FbdpMessage.open("data", PipeSocket.INPUT, format));
		FbdpMessage.Ready offer = (FbdpMessage.Ready) receive(client);
		assertThat(offer.batchSize()).isGreaterThanOrEqualTo(payloads.length);
		send(client, FbdpMessage.ready(payloads.length));
		for (byte[] payload : payloads) {
			send(client, FbdpMessage.data(payload));
		}
		assertThat(receive(client)).as("the next offer").isInstanceOf(FbdpMessage.Ready.class);
		send(client, FbdpMessage.close(FbdpErrorCode.OK));
	}

	/**
	 * Be a raw consumer client of a bound reader: take batches until it closes the pipe with OK.
	 */
	private static List<String> consume(ZMQ.Socket client, String format) {
		List<String> received = new ArrayList<>();
		send(client, FbdpMessage.open("data", PipeSocket.OUTPUT, format));
		while (true) {
			FbdpMessage message = receive(client);
			if (message instanceof FbdpMessage.Ready offer) {
				send(client, FbdpMessage.ready(offer.batchSize()));
			}
			else if (message instanceof FbdpMessage.Data data) {
				received.add(new String(data.payload(), StandardCharsets.UTF_8));
			}
			else if (!(message instanceof FbdpMessage.Noop)) {
				assertThat(((FbdpMessage.Close) message).code()).isEqualTo(FbdpErrorCode.OK);
				return received;
			}
		}
	}

	private static void assertRefused(ZMQ.Socket client, String format) {
		send(client, FbdpMessage.open("data", PipeSocket.OUTPUT, format));
		FbdpMessage.Close close = (FbdpMessage.Close) receive(client);
		assertThat(close.code()).as(format).isEqualTo(FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED);
		assertThat(close.errors()).singleElement()
			.satisfies((error) -> assertThat(error.getDescription()).contains("'" + format + "' is not supported"));
	}

	private static void awaitFinished(AssertableApplicationContext context, String id) {
		assertThat(context).hasNotFailed();
		await().atMost(Duration.ofSeconds(20))
			.alias("service '" + id + "' finished")
			.until(() -> component(context, id).state().isTerminal());
	}

	private static ButlerComponent component(AssertableApplicationContext context, String id) {
		return context.getBean(ButlerComponents.class).find(id).orElseThrow();
	}

	private static List<byte[]> parseBlocks(byte[] file) {
		List<byte[]> blocks = new ArrayList<>();
		ByteBuffer buffer = ByteBuffer.wrap(file);
		while (buffer.hasRemaining()) {
			byte[] block = new byte[buffer.getInt()];
			buffer.get(block);
			blocks.add(block);
		}
		return blocks;
	}

	private Path write(String name, byte[] content) {
		try {
			return Files.write(this.dir.resolve(name), content);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static byte[] concat(List<byte[]> parts) {
		ByteArrayOutputStream result = new ByteArrayOutputStream();
		parts.forEach(result::writeBytes);
		return result.toByteArray();
	}

	private static byte[] randomBytes(int size) {
		byte[] bytes = new byte[size];
		new Random(size).nextBytes(bytes);
		return bytes;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@ButlerService("payloads")
	static class Payloads extends DataProducerService<Void> {

		static volatile List<byte[]> payloads = List.of();

		private int next;

		@Override
		protected byte[] produceData() {
			return (this.next < payloads.size()) ? payloads.get(this.next++) : null;
		}

	}

}
