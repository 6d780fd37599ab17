package dev.butler.standard.binary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.base.AgentDescriptor;
import dev.butler.base.State;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.PipeSocket;
import dev.butler.standard.StandardServices;

import static dev.butler.pipe.PipeTestSupport.client;
import static dev.butler.pipe.PipeTestSupport.freeTcpAddress;
import static dev.butler.pipe.PipeTestSupport.receive;
import static dev.butler.pipe.PipeTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the standard binary reader and writer, run by agent name or uid over tcp with real files.
 */
class BinaryServicesTests {

	private static final String READER_UID = "3db461de-f32e-5514-910d-7d021a2436a5";

	private static final String OCTET_STREAM = "application/octet-stream";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ValidationAutoConfiguration.class));

	@TempDir
	Path dir;

	@Test
	void readerShouldServeOnlyItsPipeFormatIncludingParameters() {
		Path source = write("source.bin", bytes("abcdefgh"));
		String address = freeTcpAddress();
		String format = "application/x.fb.proto;type=firebird.butler.Sample";
		this.contextRunner.withPropertyValues(reader("bind", address, source, 3))
			.withPropertyValues("butler.services.reader.pipe_format=" + format, "butler.services.reader.stop_on_close=false")
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
	void servicesShouldCarrySaturninsAgentIdentity() {
		assertThat(StandardServices.find("saturnin.binary.reader")).contains(BinaryReaderService.class);
		assertThat(StandardServices.find(READER_UID.toUpperCase())).contains(BinaryReaderService.class);
		Path source = write("source.bin", bytes("abc"));
		this.contextRunner.withPropertyValues(reader("bind", freeTcpAddress(), source, 1))
			.run((context) -> {
				AgentDescriptor reader = component(context, "reader").agent();
				assertThat(reader.uid()).hasToString(READER_UID);
				assertThat(reader.name()).isEqualTo("saturnin.binary.reader");
				assertThat(reader.version()).isEqualTo("0.1.1");
				assertThat(reader.vendor()).isEqualTo(StandardServices.SATURNIN_VENDOR);
				assertThat(reader.classification()).isEqualTo("binary/reader");
				assertThat(reader.description()).isEqualTo("Binary data reader microservice");
			});
	}

	/**
	 * The reader chosen by agent name.
	 */
	private static String[] reader(String mode, String address, Path file, int blockSize) {
		return new String[] { "butler.services.reader.agent=saturnin.binary.reader", "butler.services.reader.pipe=data",
				"butler.services.reader.pipe_address=" + address, "butler.services.reader.pipe_mode=" + mode,
				"butler.services.reader.pipe_format=" + OCTET_STREAM, "butler.services.reader.batch_size=7",
				"butler.services.reader.filename=" + file, "butler.services.reader.block_size=" + blockSize };
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

	private static ButlerComponent component(AssertableApplicationContext context, String id) {
		return context.getBean(ButlerComponents.class).find(id).orElseThrow();
	}

	private Path write(String name, byte[] content) {
		try {
			return Files.write(this.dir.resolve(name), content);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
