package dev.butler.pipe;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.control.ButlerComponents;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpFlags;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.FbdpMessageType;
import dev.butler.protocol.fbdp.PipeSocket;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

import static dev.butler.pipe.PipeTestSupport.client;
import static dev.butler.pipe.PipeTestSupport.freePort;
import static dev.butler.pipe.PipeTestSupport.receive;
import static dev.butler.pipe.PipeTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@link DataPipe} between real services and against a raw ZeroMQ peer.
 */
class DataPipeTests {

	private static final String FORMAT = "text/plain;charset=utf-8";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class));

	@BeforeEach
	void reset() {
		Producer.count = 0;
		Consumer.notReadyTimes = 0;
		Consumer.refuseFormat = null;
		Consumer.rejectOdd = false;
	}

	@ParameterizedTest
	@ValueSource(strings = { "producer-binds-tcp", "consumer-binds-tcp", "producer-binds-ipc", "consumer-binds-inproc" })
	void pipelineShouldMoveEveryMessageInOrderAndFinishBothServices(String setup) {
		boolean producerBinds = setup.startsWith("producer-binds");
		String transport = setup.substring(setup.lastIndexOf('-') + 1);
		String address = switch (transport) {
			case "tcp" -> "tcp://127.0.0.1:" + freePort();
			case "ipc" -> "ipc://" + System.getProperty("java.io.tmpdir") + "/butler-pipe-" + System.nanoTime();
			default -> "inproc://butler-pipe-" + System.nanoTime();
		};
		Producer.options = new PipeOptions("numbers", address, producerBinds ? PipeMode.BIND : PipeMode.CONNECT,
				FORMAT, 20, Duration.ofMillis(100), true);
		Consumer.options = new PipeOptions("numbers", address, producerBinds ? PipeMode.CONNECT : PipeMode.BIND,
				FORMAT, 7, Duration.ofMillis(100), true);
		Producer.count = 1000;
		// JeroMQ's ipc emulation is a tcp port on 127.0.0.1: the ipc case proves JeroMQ-to-JeroMQ only
		ApplicationContextRunner runner = this.contextRunner
			.withPropertyValues("butler.zmq.ipc=" + (transport.equals("ipc") ? "emulate" : "reject"));
		runner.withUserConfiguration(Producer.class, Consumer.class).run((context) -> {
			ButlerComponents components = context.getBean(ButlerComponents.class);
			Consumer consumer = context.getBean(Consumer.class);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> components.find("consumer").orElseThrow().state() == State.FINISHED
						&& components.find("producer").orElseThrow().state() == State.FINISHED);
			assertThat(consumer.received).hasSize(1000);
			assertThat(consumer.received.get(0)).isEqualTo("0");
			assertThat(consumer.received.get(999)).isEqualTo("999");
			assertThat(consumer.closeCode).isEqualTo(FbdpErrorCode.OK);
			assertThat(components.find("consumer").orElseThrow().outcome()).isEqualTo(Outcome.OK);
			assertThat(consumer.pipe.statistics().dataMessages()).isEqualTo(1000);
			assertThat(consumer.pipe.statistics().batches()).isEqualTo(143);
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "tcp", "inproc" })
	void boundProducerWithLargeBatchesShouldLoseNothing(String transport) {
		String address = transport.equals("tcp") ? "tcp://127.0.0.1:" + freePort()
				: "inproc://butler-pipe-" + System.nanoTime();
		Producer.options = new PipeOptions("numbers", address, PipeMode.BIND, FORMAT, 500, Duration.ofMillis(100),
				true);
		Consumer.options = new PipeOptions("numbers", address, PipeMode.CONNECT, FORMAT, 500, Duration.ofMillis(100),
				true);
		Producer.count = 5000;
		this.contextRunner.withUserConfiguration(Producer.class, Consumer.class).run((context) -> {
			Consumer consumer = context.getBean(Consumer.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> consumer.closeCode != null);
			assertThat(consumer.closeCode).isEqualTo(FbdpErrorCode.OK);
			assertThat(consumer.received).hasSize(5000);
			assertThat(consumer.received.get(4999)).isEqualTo("4999");
		});
	}

	@Test
	void flightRecordingShouldTimeTheAnswerToEachBatchOnBothSides() throws Exception {
		String address = "tcp://127.0.0.1:" + freePort();
		Producer.options = new PipeOptions("numbers", address, PipeMode.CONNECT, FORMAT, 20, Duration.ofMillis(100),
				true);
		Consumer.options = new PipeOptions("numbers", address, PipeMode.BIND, FORMAT, 7, Duration.ofMillis(100), true);
		Producer.count = 1000;
		Path file = Files.createTempFile("pipe-turnaround", ".jfr");
		try (Recording recording = new Recording()) {
			recording.enable("dev.butler.pipe.Turnaround").withThreshold(Duration.ZERO);
			recording.start();
			this.contextRunner.withUserConfiguration(Producer.class, Consumer.class).run((context) -> {
				Consumer consumer = context.getBean(Consumer.class);
				await().atMost(Duration.ofSeconds(20)).until(() -> consumer.closeCode != null);
				assertThat(consumer.received).hasSize(1000);
			});
			recording.stop();
			recording.dump(file);
			Map<String, List<RecordedEvent>> bySide = RecordingFile.readAllEvents(file)
				.stream()
				.filter((event) -> event.getEventType().getName().equals("dev.butler.pipe.Turnaround"))
				.collect(Collectors.groupingBy((event) -> event.getString("service") + " "
						+ event.getString("pipe") + " " + event.getString("answer")));
			// 143 batches (142 of 7 and one of 6), each offered by the consumer, on OPEN or after the last
			// DATA of the one before, and each started by the producer with its first DATA.
			assertThat(bySide).containsOnlyKeys("consumer numbers READY", "producer numbers DATA");
			assertThat(bySide.get("consumer numbers READY")).hasSize(143);
			assertThat(bySide.get("producer numbers DATA")).hasSize(143);
			assertThat(bySide.values()).allSatisfy((events) -> assertThat(events)
				.allSatisfy((event) -> assertThat(event.getDuration()).isPositive().isLessThan(Duration.ofSeconds(5))));
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	@Test
	void serverNotReadyShouldAnswerReadyZeroAndOfferAgainLater() {
		String address = "tcp://127.0.0.1:" + freePort();
		Producer.options = new PipeOptions("numbers", address, PipeMode.CONNECT, FORMAT, 5, Duration.ofMillis(100),
				true);
		Consumer.options = new PipeOptions("numbers", address, PipeMode.BIND, FORMAT, 5, Duration.ofMillis(200),
				true);
		Producer.count = 12;
		Consumer.notReadyTimes = 2;
		this.contextRunner.withUserConfiguration(Producer.class, Consumer.class).run((context) -> {
			Consumer consumer = context.getBean(Consumer.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> consumer.closeCode != null);
			assertThat(consumer.received).hasSize(12);
			assertThat(consumer.readyAsked.get()).isGreaterThanOrEqualTo(3);
		});
	}

	@Test
	void rawClientShouldBeAnsweredWithCloseForEveryBadInput() {
		String address = "tcp://127.0.0.1:" + freePort();
		Consumer.options = new PipeOptions("numbers", address, PipeMode.BIND, FORMAT, 5, Duration.ofMillis(100),
				false);
		Consumer.refuseFormat = "application/octet-stream";
		this.contextRunner.withUserConfiguration(Consumer.class).run((context) -> {
			try (ZContext zmq = new ZContext()) {
				assertRefused(zmq, address, FbdpMessage.open("nope", PipeSocket.INPUT, FORMAT),
						FbdpErrorCode.PIPE_ENDPOINT_UNAVAILABLE, "Unknown data pipe 'nope'");
				assertRefused(zmq, address, FbdpMessage.open("numbers", PipeSocket.OUTPUT, FORMAT),
						FbdpErrorCode.PIPE_ENDPOINT_UNAVAILABLE, "Unknown pipe socket OUTPUT");
				assertRefused(zmq, address, FbdpMessage.open("numbers", PipeSocket.INPUT, "application/octet-stream"),
						FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED, "application/octet-stream");
				assertRefused(zmq, address, FbdpMessage.data("early".getBytes(StandardCharsets.UTF_8)),
						FbdpErrorCode.PROTOCOL_VIOLATION, "Expected OPEN");
				assertRefusedRaw(zmq, address, new byte[] { 'F', 'B', 'D', 'X', 0x09, 0, 0, 0 },
						FbdpErrorCode.INVALID_MESSAGE);
				assertRefusedRaw(zmq, address, new byte[] { 'F', 'B', 'D', 'P', 0x0A, 0, 0, 0 },
						FbdpErrorCode.FBDP_VERSION_NOT_SUPPORTED);
				assertThat(context.getBean(ButlerComponents.class).find("consumer").orElseThrow().state())
					.isEqualTo(State.RUNNING);
			}
		});
	}

	@Test
	void secondClientShouldBeRefusedWhileTheFirstSessionGoesOn() {
		String address = "tcp://127.0.0.1:" + freePort();
		Consumer.options = new PipeOptions("numbers", address, PipeMode.BIND, FORMAT, 5, Duration.ofMillis(100),
				false);
		this.contextRunner.withUserConfiguration(Consumer.class).run((context) -> {
			try (ZContext zmq = new ZContext(); ZMQ.Socket first = client(zmq, address);
					ZMQ.Socket second = client(zmq, address)) {
				send(first, FbdpMessage.open("numbers", PipeSocket.INPUT, FORMAT));
				assertThat(receive(first)).isEqualTo(FbdpMessage.ready(5));
				send(second, FbdpMessage.open("numbers", PipeSocket.INPUT, FORMAT));
				FbdpMessage.Close refused = (FbdpMessage.Close) receive(second);
				assertThat(refused.code()).isEqualTo(FbdpErrorCode.PROTOCOL_VIOLATION);
				assertThat(refused.errors().get(0).getDescription()).contains("already has a client");
				send(first, FbdpMessage.ready(2));
				send(first, new FbdpMessage.Data("a".getBytes(StandardCharsets.UTF_8), 7, FbdpFlags.ACK_REQ));
				FbdpMessage ack = receive(first);
				assertThat(ack.type()).isEqualTo(FbdpMessageType.DATA);
				assertThat(ack.flags()).isEqualTo(FbdpFlags.ACK_REPLY);
				assertThat(ack.typeData()).isEqualTo(7);
				send(first, FbdpMessage.data("b".getBytes(StandardCharsets.UTF_8)));
				assertThat(receive(first)).isEqualTo(FbdpMessage.ready(5));
				send(first, FbdpMessage.data("c".getBytes(StandardCharsets.UTF_8)));
				FbdpMessage.Close beyond = (FbdpMessage.Close) receive(first);
				assertThat(beyond.code()).isEqualTo(FbdpErrorCode.PROTOCOL_VIOLATION);
				assertThat(context.getBean(Consumer.class).received).containsExactly("a", "b");
			}
		});
	}

	@Test
	void describeShouldShowTheClientTheSessionAndTheCountersFromAnotherThread() {
		String address = "tcp://127.0.0.1:" + freePort();
		Consumer.options = new PipeOptions("numbers", address, PipeMode.BIND, FORMAT, 5, Duration.ofMillis(100),
				false);
		this.contextRunner.withUserConfiguration(Consumer.class).run((context) -> {
			DataPipe pipe = context.getBean(Consumer.class).pipe;
			PipeSnapshot waiting = pipe.describe();
			assertThat(waiting.state()).isEqualTo(PipeState.WAITING);
			assertThat(waiting.peer()).isNull();
			assertThat(waiting.dataFormat()).isNull();
			try (ZContext zmq = new ZContext(); ZMQ.Socket client = zmq.createSocket(SocketType.DEALER)) {
				client.setIdentity("client-1".getBytes(StandardCharsets.US_ASCII));
				client.setHandshakeIvl(500);
				client.setReceiveTimeOut(5000);
				client.setLinger(0);
				client.connect(address);
				send(client, FbdpMessage.open("numbers", PipeSocket.INPUT, FORMAT));
				assertThat(receive(client)).isEqualTo(FbdpMessage.ready(5));
				send(client, FbdpMessage.ready(2));
				send(client, FbdpMessage.data("ab".getBytes(StandardCharsets.UTF_8)));
				send(client, FbdpMessage.data("cde".getBytes(StandardCharsets.UTF_8)));
				assertThat(receive(client)).isEqualTo(FbdpMessage.ready(5));
				PipeSnapshot open = pipe.describe();
				assertThat(open.name()).isEqualTo("input");
				assertThat(open.pipe()).isEqualTo("numbers");
				assertThat(open.role()).isEqualTo(PipeRole.CONSUMER);
				assertThat(open.mode()).isEqualTo(PipeMode.BIND);
				assertThat(open.address()).isEqualTo(address);
				assertThat(open.peer()).isEqualTo("636c69656e742d31");
				assertThat(open.dataFormat()).isEqualTo(FORMAT);
				assertThat(open.batchSize()).isEqualTo(5);
				assertThat(open.state()).isEqualTo(PipeState.OPEN);
				assertThat(open.closeCode()).isNull();
				assertThat(open.counts()).isEqualTo(new PipeCounts(2, 5, 1, 0, 0, 0));
				send(client, FbdpMessage.close(FbdpErrorCode.INVALID_DATA, "Bad input"));
				await().atMost(Duration.ofSeconds(5)).until(() -> pipe.describe().state() == PipeState.WAITING);
				PipeSnapshot closed = pipe.describe();
				assertThat(closed.state()).isEqualTo(PipeState.WAITING);
				assertThat(closed.closeCode()).isEqualTo(FbdpErrorCode.INVALID_DATA);
				assertThat(closed.closeDetails()).containsExactly("Bad input");
				assertThat(closed.peer()).isNull();
				assertRefused(zmq, address, FbdpMessage.open("nope", PipeSocket.INPUT, FORMAT),
						FbdpErrorCode.PIPE_ENDPOINT_UNAVAILABLE, "Unknown data pipe 'nope'");
				assertThat(pipe.describe().counts()).isEqualTo(new PipeCounts(2, 5, 1, 1, 0, 0));
			}
		});
	}

	@Test
	void describeShouldShowTheAddressAsThePeerOfAConnectedPipe() {
		String address = "tcp://127.0.0.1:" + freePort();
		Producer.options = new PipeOptions("numbers", address, PipeMode.CONNECT, FORMAT, 5, Duration.ofMillis(100),
				false);
		Consumer.options = new PipeOptions("numbers", address, PipeMode.BIND, FORMAT, 2, Duration.ofMillis(100),
				false);
		Producer.count = 3;
		this.contextRunner.withUserConfiguration(Producer.class, Consumer.class).run((context) -> {
			DataPipe pipe = context.getBean(Producer.class).pipe;
			await().atMost(Duration.ofSeconds(10)).until(() -> pipe.describe().state() == PipeState.CLOSED);
			PipeSnapshot snapshot = pipe.describe();
			assertThat(snapshot.peer()).isEqualTo(address);
			assertThat(snapshot.mode()).isEqualTo(PipeMode.CONNECT);
			assertThat(snapshot.role()).isEqualTo(PipeRole.PRODUCER);
			assertThat(snapshot.dataFormat()).isEqualTo(FORMAT);
			assertThat(snapshot.closeCode()).isEqualTo(FbdpErrorCode.OK);
			assertThat(snapshot.counts()).isEqualTo(new PipeCounts(3, 3, 2, 0, 0, 0));
		});
	}

	@Test
	void consumerShouldRejectMessagesWithinItsAllowanceAndCutThePeerOffBeyondIt() {
		String address = "tcp://127.0.0.1:" + freePort();
		Producer.options = new PipeOptions("numbers", address, PipeMode.CONNECT, FORMAT, 5, Duration.ofMillis(100),
				false);
		Consumer.options = new PipeOptions("numbers", address, PipeMode.BIND, FORMAT, 4, Duration.ofMillis(100), false,
				PipeOptions.DEFAULT_PEER_TIMEOUT, PipeOptions.DEFAULT_OPEN_TIMEOUT, PipeOptions.DEFAULT_CLOSE_TIMEOUT, 3,
				Duration.ofMinutes(1));
		Consumer.rejectOdd = true;
		Producer.count = 20;
		this.contextRunner.withUserConfiguration(Producer.class, Consumer.class).run((context) -> {
			Consumer consumer = context.getBean(Consumer.class);
			DataPipe producer = context.getBean(Producer.class).pipe;
			await().atMost(Duration.ofSeconds(10)).until(() -> producer.describe().state() == PipeState.CLOSED);
			assertThat(producer.describe().closeCode()).isEqualTo(FbdpErrorCode.INVALID_DATA);
			assertThat(producer.describe().closeDetails()).singleElement()
				.asString()
				.isEqualTo("the peer's data was rejected 4 times within 60 s, more than max-rejects=3; last: odd number 7");
			assertThat(consumer.received).containsExactly("0", "2", "4", "6");
			assertThat(consumer.pipe.describe().counts().rejected()).isEqualTo(4);
		});
	}

	private static void assertRefused(ZContext zmq, String address, FbdpMessage message, FbdpErrorCode code,
			String description) {
		try (ZMQ.Socket client = client(zmq, address)) {
			send(client, message);
			FbdpMessage.Close close = (FbdpMessage.Close) receive(client);
			assertThat(close.code()).isEqualTo(code);
			assertThat(close.errors()).hasSize(1);
			assertThat(close.errors().get(0).getDescription()).contains(description);
		}
	}

	private static void assertRefusedRaw(ZContext zmq, String address, byte[] header, FbdpErrorCode code) {
		try (ZMQ.Socket client = client(zmq, address)) {
			client.send(header);
			FbdpMessage.Close close = (FbdpMessage.Close) receive(client);
			assertThat(close.code()).isEqualTo(code);
			assertThat(close.errors()).hasSize(1);
		}
	}

	@ButlerService("producer")
	static class Producer implements MicroService<Void>, PipeHandler {

		static volatile PipeOptions options;

		static volatile int count;

		private int next;

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.next = 0;
			this.pipe = new DataPipe(context, "output", PipeRole.PRODUCER, options, this);
		}

		DataPipe pipe;

		@Override
		public byte[] produce(DataPipe pipe) {
			return (this.next < count) ? String.valueOf(this.next++).getBytes(StandardCharsets.UTF_8) : null;
		}

	}

	@ButlerService("consumer")
	static class Consumer implements MicroService<Void>, PipeHandler {

		static volatile PipeOptions options;

		static volatile int notReadyTimes;

		static volatile String refuseFormat;

		static volatile boolean rejectOdd;

		final List<String> received = new CopyOnWriteArrayList<>();

		final AtomicInteger readyAsked = new AtomicInteger();

		volatile FbdpErrorCode closeCode;

		DataPipe pipe;

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.pipe = new DataPipe(context, "input", PipeRole.CONSUMER, options, this);
		}

		@Override
		public void opened(DataPipe pipe, String dataFormat) {
			if (dataFormat.equals(refuseFormat)) {
				throw new PipeException(FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED,
						"Data format '" + dataFormat + "' is not supported");
			}
		}

		@Override
		public boolean isReady(DataPipe pipe) {
			return this.readyAsked.incrementAndGet() > notReadyTimes;
		}

		@Override
		public void accept(DataPipe pipe, byte[] payload) throws DataRejectedException {
			String text = new String(payload, StandardCharsets.UTF_8);
			if (rejectOdd && Integer.parseInt(text) % 2 == 1) {
				throw new DataRejectedException("odd number " + text);
			}
			this.received.add(text);
		}

		@Override
		public void closed(DataPipe pipe) {
			this.closeCode = pipe.closeCode();
		}

	}

}
