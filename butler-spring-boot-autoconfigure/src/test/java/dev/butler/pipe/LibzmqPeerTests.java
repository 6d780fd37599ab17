package dev.butler.pipe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

import static dev.butler.pipe.PipeTestSupport.freeTcpAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Data pipes against a peer on libzmq that behaves like Saturnin: ZMQ_IMMEDIATE, and its socket
 * closed without linger the moment CLOSE arrives. Whichever side and role sends the final CLOSE, the
 * peer must get every DATA message before it and the CLOSE itself, in every one of many sessions.
 * The peer is a Python script on pyzmq (Debian's {@code python3-zmq}), which CI installs.
 */
class LibzmqPeerTests {

	private static final int ROUNDS = 50;

	private static final int COUNT = 2000;

	private static final int CLOSE_AFTER = 120;

	private static String python;

	private static String script;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class));

	@BeforeAll
	static void findPythonWithPyzmq() {
		python = List.of("python3", "/usr/bin/python3").stream().filter(LibzmqPeerTests::hasPyzmq).findFirst().orElse(null);
		assumeThat(python).as("a python3 with pyzmq (Debian package python3-zmq)").isNotNull();
	}

	@Test
	void boundProducerShouldDeliverEveryMessageAndCloseToAConnectingPeerThatClosesAtOnce() {
		runRounds(Source.class, "source", PipeMode.BIND, "consumer", "connect", "data=" + COUNT + " close=0");
	}

	@Test
	void connectingProducerShouldDeliverEveryMessageAndCloseToABoundPeerThatClosesAtOnce() {
		runRounds(Source.class, "source", PipeMode.CONNECT, "consumer", "bind", "data=" + COUNT + " close=0");
	}

	@Test
	void boundConsumerShouldDeliverItsCloseToAConnectingProducerThatClosesAtOnce() {
		runRounds(Sink.class, "sink", PipeMode.BIND, "producer", "connect", "data=0 close=5");
	}

	@Test
	void connectingConsumerShouldDeliverItsCloseToABoundProducerThatClosesAtOnce() {
		runRounds(Sink.class, "sink", PipeMode.CONNECT, "producer", "bind", "data=0 close=5");
	}

	private void runRounds(Class<?> service, String id, PipeMode mode, String peerRole, String peerMode,
			String expected) {
		this.contextRunner.withUserConfiguration(service)
			.withPropertyValues("butler.services." + id + ".auto-startup=false")
			.run((context) -> {
				ButlerComponent component = context.getBean(ButlerComponents.class).find(id).orElseThrow();
				for (int round = 1; round <= ROUNDS; round++) {
					String address = freeTcpAddress();
					options = new PipeOptions("items", address, mode, "text/plain;charset=utf-8", 50,
							Duration.ofMillis(100), true);
					Process peer;
					if (mode == PipeMode.BIND) {
						component.start();
						peer = startPeer(peerRole, peerMode, address);
					}
					else {
						peer = startPeer(peerRole, peerMode, address);
						component.start();
					}
					assertThat(peer.waitFor(20, TimeUnit.SECONDS)).as("peer of round %d ended", round).isTrue();
					String output = read(peer.getInputStream()).trim();
					assertThat(output).as("round %d: %s", round, read(peer.getErrorStream())).isEqualTo(expected);
					await().atMost(Duration.ofSeconds(10)).until(() -> component.state() == State.FINISHED
							|| component.state() == State.ABORTED);
					assertThat(component.state()).as("round %d", round).isEqualTo(State.FINISHED);
					assertThat(component.outcome()).isEqualTo(id.equals("source") ? Outcome.OK : Outcome.ERROR);
					assertThat(PipeTestSupport.pipes(component)).singleElement()
						.satisfies((pipe) -> assertThat(pipe.counts().dropped()).isZero());
				}
			});
	}

	private static Process startPeer(String role, String mode, String address) throws IOException {
		return new ProcessBuilder(python, script(), role, mode, address, "items", String.valueOf(100 * COUNT), "50")
			.start();
	}

	/**
	 * Return the peer's script as a file: a copy, as the tests may run from a jar (butler-native runs
	 * them again on libzmq).
	 */
	private static synchronized String script() throws IOException {
		if (script == null) {
			Path copy = Files.createTempFile("fbdp_peer", ".py");
			copy.toFile().deleteOnExit();
			try (InputStream source = LibzmqPeerTests.class.getResourceAsStream("/libzmq/fbdp_peer.py")) {
				assertThat(source).as("the script /libzmq/fbdp_peer.py").isNotNull();
				Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
			}
			script = copy.toString();
		}
		return script;
	}

	private static boolean hasPyzmq(String candidate) {
		try {
			Process process = new ProcessBuilder(candidate, "-c", "import zmq").start();
			return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static String read(InputStream stream) throws IOException {
		return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
	}

	static volatile PipeOptions options;

	@ButlerService("source")
	static class Source extends DataProducerService<Void> {

		private int next;

		@Override
		public List<Class<?>> optionTypes() {
			return List.of();
		}

		@Override
		protected PipeOptions pipeOptions(ServiceContext context) {
			return options;
		}

		@Override
		protected void prepare(Void config, ServiceContext context) {
			this.next = 0;
		}

		@Override
		protected byte[] produceData() {
			return (this.next < COUNT) ? String.format("%064d", this.next++).getBytes(StandardCharsets.US_ASCII) : null;
		}

	}

	@ButlerService("sink")
	static class Sink extends DataConsumerService<Void> {

		private int received;

		@Override
		public List<Class<?>> optionTypes() {
			return List.of();
		}

		@Override
		protected PipeOptions pipeOptions(ServiceContext context) {
			return options;
		}

		@Override
		protected void prepare(Void config, ServiceContext context) {
			this.received = 0;
		}

		@Override
		protected void acceptData(byte[] data) {
			if (++this.received == CLOSE_AFTER) {
				throw new PipeException(FbdpErrorCode.INVALID_DATA, "Enough after " + CLOSE_AFTER + " messages");
			}
		}

	}

}
