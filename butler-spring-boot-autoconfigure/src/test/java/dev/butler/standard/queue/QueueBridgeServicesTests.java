package dev.butler.standard.queue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.pipe.DataConsumerService;
import dev.butler.pipe.PipeTestSupport;
import dev.butler.protocol.AgentDescriptor;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.protocol.Uuids;
import dev.butler.protocol.VendorUids;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.PipeSocket;
import dev.butler.queue.DirectoryQueue;
import dev.butler.queue.QueueSnapshot;
import dev.butler.queue.QueueTestSupport;
import dev.butler.service.ButlerService;
import dev.butler.standard.StandardServices;

import static dev.butler.pipe.PipeTestSupport.client;
import static dev.butler.pipe.PipeTestSupport.freeTcpAddress;
import static dev.butler.pipe.PipeTestSupport.receive;
import static dev.butler.pipe.PipeTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the bridges between data pipes and directory queues, run by agent name over tcp with
 * real queue directories.
 */
class QueueBridgeServicesTests {

	private static final String OCTET_STREAM = "application/octet-stream";

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ValidationAutoConfiguration.class));

	@TempDir
	Path dir;

	@BeforeEach
	void clearCollector() {
		Collector.received.clear();
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void binaryReaderToQueueWriterShouldStoreEachPayloadAsOneMessage(boolean groupCommit) {
		List<byte[]> payloads = payloads(23);
		Path source = blockFile("source.bin", payloads);
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(binaryReader("bind", address, source))
			.withPropertyValues(queueWriter("connect", address, "out"))
			.withPropertyValues("butler.spool-dir=" + this.dir, "butler.services.writer.group_commit=" + groupCommit)
			.run((context) -> {
				awaitFinished(context, "writer");
				assertThat(component(context, "writer").outcome()).isEqualTo(Outcome.OK);
				QueueSnapshot queue = queue(context, "writer");
				assertThat(queue.name()).isEqualTo("queue-out");
				assertThat(queue.directory()).isEqualTo(this.dir.resolve("out").toString());
				assertThat(queue.counts().enqueued()).isEqualTo(payloads.size());
			});
		Path out = this.dir.resolve("out");
		assertThat(contents(out)).containsExactlyElementsOf(payloads);
		assertThat(out.resolve(DirectoryQueue.TMP)).isEmptyDirectory();
	}

	@Test
	void groupCommitShouldStoreABatchBeforeTheNextReadyWhenThePipeClosesAndWhenTheBatchStalls() {
		Path out = this.dir.resolve("out");
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(queueWriter("bind", address, out.toString()))
			.withPropertyValues("butler.services.writer.group_commit=true", "butler.services.writer.stop_on_close=false")
			.run((context) -> {
				try (ZContext zmq = new ZContext(); ZMQ.Socket client = client(zmq, address)) {
					send(client, FbdpMessage.open("data", PipeSocket.INPUT, OCTET_STREAM));
					assertThat(receive(client)).isInstanceOf(FbdpMessage.Ready.class);
					send(client, FbdpMessage.ready(3));
					send(client, FbdpMessage.data(bytes("one")));
					send(client, FbdpMessage.data(bytes("two")));
					send(client, FbdpMessage.data(bytes("three")));
					assertThat(receive(client)).as("the next offer").isInstanceOf(FbdpMessage.Ready.class);
					assertThat(contents(out)).as("stored before the next READY")
						.containsExactly(bytes("one"), bytes("two"), bytes("three"));
					send(client, FbdpMessage.ready(2));
					send(client, FbdpMessage.data(bytes("stalled")));
					await().atMost(Duration.ofSeconds(5))
						.untilAsserted(() -> assertThat(contents(out)).hasSize(4).last().isEqualTo(bytes("stalled")));
					send(client, FbdpMessage.data(bytes("last")));
					assertThat(receive(client)).isInstanceOf(FbdpMessage.Ready.class);
					send(client, FbdpMessage.ready(2));
					send(client, FbdpMessage.data(bytes("before close")));
					send(client, FbdpMessage.close(FbdpErrorCode.OK));
					await().atMost(Duration.ofSeconds(5))
						.untilAsserted(() -> assertThat(contents(out)).hasSize(6).last().isEqualTo(bytes("before close")));
				}
			});
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void queueWriterShouldHoldItsProducerBackWhileTheQueueHoldsItsLimitLoggingOncePerPause(CapturedOutput output)
			throws Exception {
		List<byte[]> payloads = payloads(10);
		Path source = blockFile("source.bin", payloads);
		Path out = this.dir.resolve("out");
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(binaryReader("bind", address, source))
			.withPropertyValues(queueWriter("connect", address, out.toString()))
			.withPropertyValues("butler.services.reader.ready_schedule_interval=100ms",
					"butler.services.writer.batch_size=1", "butler.services.writer.queue_out_limit=3",
					"butler.services.writer.queue_out_wait=200ms")
			.run((context) -> {
				await().atMost(TIMEOUT).until(() -> names(out).size() == 3);
				await().atMost(TIMEOUT)
					.until(() -> queue(context, "writer").state() == QueueSnapshot.State.PAUSED);
				Thread.sleep(700);
				assertThat(names(out)).as("held back").hasSize(3);
				assertThat(count(output, "holds its pipe back")).as("one line although counted again").isOne();
				assertThat(output).contains("counting again every 200ms").doesNotContain("takes data again");
				List<byte[]> taken = new ArrayList<>();
				while (taken.size() < payloads.size()) {
					await().atMost(TIMEOUT).until(() -> !names(out).isEmpty());
					List<String> names = names(out);
					assertThat(names).hasSizeLessThanOrEqualTo(3);
					for (String name : names.subList(0, Math.min(2, names.size()))) {
						Path message = out.resolve(DirectoryQueue.INCOMING).resolve(name);
						taken.add(Files.readAllBytes(message));
						Files.delete(message);
					}
				}
				assertThat(taken).containsExactlyElementsOf(payloads);
				awaitFinished(context, "writer");
				assertThat(output).containsPattern("Service 'writer' takes data again after \\d+(ms|s)");
				assertThat(count(output, "takes data again after ")).isBetween(count(output, "holds its pipe back") - 1,
						count(output, "holds its pipe back"));
				assertThat(component(context, "writer").outcome()).isEqualTo(Outcome.OK);
			});
	}

	@Test
	void queueWriterThatCannotEnqueueShouldCloseThePipeWithErrorSayingWhatFailed() throws Exception {
		Path out = this.dir.resolve("out");
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(queueWriter("bind", address, out.toString())).run((context) -> {
			try (ZContext zmq = new ZContext(); ZMQ.Socket client = client(zmq, address)) {
				send(client, FbdpMessage.open("data", PipeSocket.INPUT, OCTET_STREAM));
				assertThat(receive(client)).isInstanceOf(FbdpMessage.Ready.class);
				send(client, FbdpMessage.ready(3));
				send(client, FbdpMessage.data(bytes("stored")));
				await().atMost(Duration.ofSeconds(5)).until(() -> names(out).size() == 1);
				Path tmp = out.resolve(DirectoryQueue.TMP);
				Files.delete(tmp);
				Files.write(tmp, bytes("a file where the queue's tmp/ should be"));
				send(client, FbdpMessage.data(bytes("lost")));
				FbdpMessage.Close close = (FbdpMessage.Close) receive(client);
				assertThat(close.code()).isEqualTo(FbdpErrorCode.ERROR);
				String expected = "Cannot enqueue into '" + out.resolve(DirectoryQueue.INCOMING) + "': Not a directory";
				assertThat(close.errors()).singleElement()
					.satisfies((error) -> assertThat(error.getDescription()).isEqualTo(expected));
				awaitFinished(context, "writer");
				assertThat(component(context, "writer").details()).singleElement()
					.asString()
					.contains("closed with ERROR: " + expected);
				assertThat(queue(context, "writer").counts().failures()).isEqualTo(1);
			}
			assertThat(contents(out)).containsExactly(bytes("stored"));
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "writer", "reader" })
	void queueThatCannotBeCreatedShouldFailStartupNamingTheDirectory(String service) throws Exception {
		Files.write(this.dir.resolve("file"), bytes("not a directory"));
		Path directory = this.dir.resolve("file").resolve("queue");
		String[] properties = service.equals("writer") ? queueWriter("bind", freeTcpAddress(), directory.toString())
				: queueReader("bind", freeTcpAddress(), directory.toString());
		String option = service.equals("writer") ? "queue-out-dir" : "queue-in-dir";
		this.contextRunner.withPropertyValues(properties)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid value '" + directory + "' for property 'butler.services." + service
						+ "." + option + "': Cannot open queue directory '" + directory + "': Not a directory"));
	}

	@Test
	void queueWriterWithoutQueueDirectoryShouldFailStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues(queueWriter("bind", freeTcpAddress(), ""))
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("for property 'butler.services.writer.queue-out-dir': must not be blank"));
	}

	@Test
	void queueReaderShouldSendMessagesInNameOrderAndWatchForNewOnes() {
		Path in = this.dir.resolve("in");
		drop(in, "m2", "second");
		drop(in, "m3", "third");
		drop(in, "m1", "first");
		String address = freeTcpAddress();
		this.contextRunner.withUserConfiguration(Collector.class)
			.withPropertyValues(queueReader("bind", address, in.toString()))
			.withPropertyValues("butler.services.reader.queue_in_wait=60", "butler.services.collector.pipe=data",
					"butler.services.collector.pipe_address=" + address, "butler.services.collector.pipe_mode=connect",
					"butler.services.collector.pipe_format=" + OCTET_STREAM, "butler.services.collector.batch_size=1")
			.run((context) -> {
				await().atMost(TIMEOUT).until(() -> Collector.received.size() == 3);
				drop(in, "m4", "fourth");
				drop(in, "m5", "fifth");
				await("seen by the watcher, not the 60 s poll").atMost(Duration.ofSeconds(5))
					.until(() -> Collector.received.size() == 5);
				assertThat(Collector.received).containsExactly("first", "second", "third", "fourth", "fifth");
				QueueSnapshot queue = queue(context, "reader");
				assertThat(queue.name()).isEqualTo("queue-in");
				assertThat(queue.watching()).isTrue();
				assertThat(queue.consumer()).isNotNull();
				assertThat(names(in)).isEmpty();
				await().atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(in.resolve(DirectoryQueue.PENDING).resolve(queue.consumer()))
						.isEmptyDirectory());
				assertThat(queue(context, "reader").counts().committed()).isEqualTo(5);
			});
	}

	@Test
	void queueReaderWithStopWhenEmptyShouldEndThePipeWithOk() {
		Path in = this.dir.resolve("in");
		List<byte[]> payloads = payloads(12);
		for (int i = payloads.size() - 1; i >= 0; i--) {
			drop(in, "m%02d".formatted(i), payloads.get(i));
		}
		Path copy = this.dir.resolve("copy.bin");
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(queueReader("bind", address, in.toString()))
			.withPropertyValues("butler.services.reader.stop_when_empty=true")
			.withPropertyValues(binaryWriter("connect", address, copy))
			.run((context) -> {
				awaitFinished(context, "writer");
				assertThat(component(context, "writer").outcome()).isEqualTo(Outcome.OK);
				assertThat(PipeTestSupport.pipes(component(context, "reader"))).singleElement()
					.satisfies((pipe) -> assertThat(pipe.closeCode()).isEqualTo(FbdpErrorCode.OK));
				assertThat(names(in)).isEmpty();
				assertThat(in.resolve(DirectoryQueue.PENDING).resolve(queue(context, "reader").consumer()))
					.isEmptyDirectory();
			});
		assertThat(parseBlocks(copy)).containsExactlyElementsOf(payloads);
	}

	@Test
	void stoppingTheQueueReaderShouldReturnTheMessagesItHoldsToIncoming() {
		Path in = this.dir.resolve("in");
		List<String> names = List.of("m1", "m2", "m3", "m4", "m5");
		names.forEach((name) -> drop(in, name, "content of " + name));
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(queueReader("bind", address, in.toString())).run((context) -> {
			try (ZContext zmq = new ZContext(); ZMQ.Socket client = client(zmq, address)) {
				send(client, FbdpMessage.open("data", PipeSocket.OUTPUT, OCTET_STREAM));
				assertThat(receive(client)).isInstanceOf(FbdpMessage.Ready.class);
				send(client, FbdpMessage.ready(3));
				assertThat(receiveData(client, 3)).containsExactly("content of m1", "content of m2", "content of m3");
				assertThat(names(in)).containsExactly("m4", "m5");
				String consumer = queue(context, "reader").consumer();
				assertThat(names(in.resolve(DirectoryQueue.PENDING).resolve(consumer))).hasSize(3);
				ButlerComponent reader = component(context, "reader");
				reader.stop();
				assertThat(reader.state()).isEqualTo(State.FINISHED);
				assertThat(names(in)).containsExactlyElementsOf(names);
				assertThat(in.resolve(DirectoryQueue.PENDING)).isEmptyDirectory();
			}
		});
	}

	@Test
	void messagesThePeerDidNotAcknowledgeShouldBeSentAgainInNameOrder() {
		Path in = this.dir.resolve("in");
		List.of("m1", "m2", "m3", "m4").forEach((name) -> drop(in, name, name));
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(queueReader("bind", address, in.toString()))
			.withPropertyValues("butler.services.reader.stop_when_empty=true")
			.run((context) -> {
				try (ZContext zmq = new ZContext(); ZMQ.Socket client = client(zmq, address)) {
					send(client, FbdpMessage.open("data", PipeSocket.OUTPUT, OCTET_STREAM));
					assertThat(receive(client)).isInstanceOf(FbdpMessage.Ready.class);
					send(client, FbdpMessage.ready(1));
					assertThat(receiveData(client, 1)).containsExactly("m1");
					assertThat(receive(client)).isInstanceOf(FbdpMessage.Ready.class);
					send(client, FbdpMessage.ready(2));
					assertThat(receiveData(client, 2)).containsExactly("m2", "m3");
					assertThat(receive(client)).isInstanceOf(FbdpMessage.Ready.class);
					send(client, FbdpMessage.close(FbdpErrorCode.ERROR, "Cannot store m3"));
					await().atMost(Duration.ofSeconds(5)).until(() -> names(in).size() == 3);
					assertThat(names(in)).as("m1 was acknowledged by the READY after it").containsExactly("m2", "m3",
							"m4");
					send(client, FbdpMessage.open("data", PipeSocket.OUTPUT, OCTET_STREAM));
					assertThat(receive(client)).isInstanceOf(FbdpMessage.Ready.class);
					send(client, FbdpMessage.ready(7));
					assertThat(receiveData(client, 3)).containsExactly("m2", "m3", "m4");
					assertThat(((FbdpMessage.Close) receive(client)).code()).isEqualTo(FbdpErrorCode.OK);
				}
				assertThat(names(in)).isEmpty();
				assertThat(queue(context, "reader").counts().released()).isEqualTo(2);
			});
	}

	@Test
	void queueReaderToQueueWriterShouldMoveAQueueThroughAPipe() {
		Path in = this.dir.resolve("in");
		Path out = this.dir.resolve("out");
		List<byte[]> payloads = payloads(40);
		for (int i = 0; i < payloads.size(); i++) {
			drop(in, "m%02d".formatted(i), payloads.get(i));
		}
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(queueReader("bind", address, in.toString()))
			.withPropertyValues(queueWriter("connect", address, out.toString()))
			.withPropertyValues("butler.services.reader.stop_when_empty=true",
					"butler.services.writer.group_commit=true")
			.run((context) -> {
				awaitFinished(context, "writer");
				assertThat(component(context, "writer").outcome()).isEqualTo(Outcome.OK);
				assertThat(names(in)).isEmpty();
			});
		assertThat(contents(out)).containsExactlyElementsOf(payloads);
	}

	@Test
	void servicesShouldCarryThisProjectsAgentIdentity() {
		String writerUid = Uuids.fromOid(VendorUids.BUTLER_OID + ".1.1").toString();
		String readerUid = Uuids.fromOid(VendorUids.BUTLER_OID + ".1.2").toString();
		assertThat(VendorUids.BUTLER_OID)
			.isEqualTo("2.25." + uuidAsInteger(Uuids.nameBased(Uuids.NAMESPACE_OID, "dev.butler")));
		assertThat(StandardServices.find("butler.queue.writer")).contains(QueueWriterService.class);
		assertThat(StandardServices.find(writerUid.toUpperCase())).contains(QueueWriterService.class);
		assertThat(StandardServices.find(readerUid)).contains(QueueReaderService.class);
		assertThat(StandardServices.names()).contains("butler.queue.writer", "butler.queue.reader");
		this.contextRunner.withPropertyValues(queueWriter("bind", freeTcpAddress(), this.dir.resolve("out").toString()))
			.withPropertyValues(queueReader("bind", freeTcpAddress(), this.dir.resolve("in").toString()))
			.run((context) -> {
				AgentDescriptor writer = component(context, "writer").agent();
				assertThat(writer.uid()).hasToString(writerUid);
				assertThat(writer.name()).isEqualTo("butler.queue.writer");
				assertThat(writer.vendor()).isEqualTo(Uuids.nameBased(Uuids.NAMESPACE_OID, "dev.butler"));
				assertThat(writer.classification()).isEqualTo("queue/writer");
				AgentDescriptor reader = component(context, "reader").agent();
				assertThat(reader.uid()).hasToString(readerUid);
				assertThat(reader.name()).isEqualTo("butler.queue.reader");
				assertThat(reader.vendor()).isEqualTo(writer.vendor());
				assertThat(reader.classification()).isEqualTo("queue/reader");
			});
	}

	private static BigInteger uuidAsInteger(UUID uuid) {
		return new BigInteger(1, Uuids.toBytes(uuid));
	}

	private static String[] queueWriter(String mode, String address, String queueOutDir) {
		return new String[] { "butler.services.writer.agent=butler.queue.writer", "butler.services.writer.pipe=data",
				"butler.services.writer.pipe_address=" + address, "butler.services.writer.pipe_mode=" + mode,
				"butler.services.writer.pipe_format=" + OCTET_STREAM, "butler.services.writer.batch_size=5",
				"butler.services.writer.queue_out_dir=" + queueOutDir };
	}

	/**
	 * The queue reader. It outlives its pipe, as the binary reader of {@code BinaryServicesTests}
	 * does: a consumer may take a producer that stops right after its last messages for gone.
	 */
	private static String[] queueReader(String mode, String address, String queueInDir) {
		return new String[] { "butler.services.reader.agent=butler.queue.reader", "butler.services.reader.pipe=data",
				"butler.services.reader.pipe_address=" + address, "butler.services.reader.pipe_mode=" + mode,
				"butler.services.reader.pipe_format=" + OCTET_STREAM, "butler.services.reader.batch_size=7",
				"butler.services.reader.queue_in_dir=" + queueInDir, "butler.services.reader.stop_on_close=false" };
	}

	private static String[] binaryReader(String mode, String address, Path file) {
		return new String[] { "butler.services.reader.agent=saturnin.binary.reader", "butler.services.reader.pipe=data",
				"butler.services.reader.pipe_address=" + address, "butler.services.reader.pipe_mode=" + mode,
				"butler.services.reader.pipe_format=" + OCTET_STREAM, "butler.services.reader.batch_size=7",
				"butler.services.reader.filename=" + file, "butler.services.reader.block_size=-1",
				"butler.services.reader.stop_on_close=false" };
	}

	private static String[] binaryWriter(String mode, String address, Path file) {
		return new String[] { "butler.services.writer.agent=saturnin.binary.writer", "butler.services.writer.pipe=data",
				"butler.services.writer.pipe_address=" + address, "butler.services.writer.pipe_mode=" + mode,
				"butler.services.writer.pipe_format=" + OCTET_STREAM, "butler.services.writer.batch_size=5",
				"butler.services.writer.filename=" + file, "butler.services.writer.file_type=block" };
	}

	/**
	 * Receive the DATA of a batch from a bound producer, as text.
	 */
	private static List<String> receiveData(ZMQ.Socket client, int count) {
		List<String> received = new ArrayList<>();
		while (received.size() < count) {
			FbdpMessage message = receive(client);
			if (!(message instanceof FbdpMessage.Noop)) {
				received.add(new String(((FbdpMessage.Data) message).payload(), StandardCharsets.UTF_8));
			}
		}
		return received;
	}

	private static void awaitFinished(AssertableApplicationContext context, String id) {
		assertThat(context).hasNotFailed();
		await().atMost(TIMEOUT)
			.alias("service '" + id + "' finished")
			.until(() -> component(context, id).state().isTerminal());
	}

	private static ButlerComponent component(AssertableApplicationContext context, String id) {
		return context.getBean(ButlerComponents.class).find(id).orElseThrow();
	}

	private static QueueSnapshot queue(AssertableApplicationContext context, String id) {
		List<QueueSnapshot> queues = QueueTestSupport.queues(component(context, id));
		assertThat(queues).hasSize(1);
		return queues.get(0);
	}

	/**
	 * Put a message into a queue's {@code incoming/} under a chosen name, as a producer does: written
	 * aside, then renamed.
	 */
	private static void drop(Path queueDir, String name, byte[] content) {
		try {
			DirectoryQueue queue = DirectoryQueue.open(queueDir);
			Path written = Files.write(queue.tmp().resolve(name), content);
			Files.move(written, queue.incoming().resolve(name), StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void drop(Path queueDir, String name, String content) {
		drop(queueDir, name, bytes(content));
	}

	/**
	 * Return the names of the messages waiting in a queue, or of the files of a directory.
	 */
	private static List<String> names(Path directory) {
		Path files = Files.isDirectory(directory.resolve(DirectoryQueue.INCOMING))
				? directory.resolve(DirectoryQueue.INCOMING) : directory;
		try (Stream<Path> list = Files.list(files)) {
			return list.map((file) -> file.getFileName().toString()).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the messages waiting in a queue, in name order.
	 */
	private static List<byte[]> contents(Path queueDir) {
		Path incoming = queueDir.resolve(DirectoryQueue.INCOMING);
		return names(queueDir).stream().map((name) -> {
			try {
				return Files.readAllBytes(incoming.resolve(name));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}).toList();
	}

	private Path blockFile(String name, List<byte[]> blocks) {
		ByteArrayOutputStream file = new ByteArrayOutputStream();
		for (byte[] block : blocks) {
			file.writeBytes(ByteBuffer.allocate(4).putInt(block.length).array());
			file.writeBytes(block);
		}
		try {
			return Files.write(this.dir.resolve(name), file.toByteArray());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static List<byte[]> parseBlocks(Path file) {
		List<byte[]> blocks = new ArrayList<>();
		try {
			ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
			while (buffer.hasRemaining()) {
				byte[] block = new byte[buffer.getInt()];
				buffer.get(block);
				blocks.add(block);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return blocks;
	}

	/**
	 * Payloads of different sizes, one of them empty.
	 */
	private static List<byte[]> payloads(int count) {
		Random random = new Random(count);
		List<byte[]> payloads = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			byte[] payload = new byte[(i == 3) ? 0 : random.nextInt(5000)];
			random.nextBytes(payload);
			payloads.add(payload);
		}
		return payloads;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@ButlerService("collector")
	static class Collector extends DataConsumerService<Void> {

		static final List<String> received = new CopyOnWriteArrayList<>();

		@Override
		protected void acceptData(byte[] data) {
			received.add(new String(data, StandardCharsets.UTF_8));
		}

	}

	private static int count(CapturedOutput output, String text) {
		return output.getAll().split(Pattern.quote(text), -1).length - 1;
	}

}
