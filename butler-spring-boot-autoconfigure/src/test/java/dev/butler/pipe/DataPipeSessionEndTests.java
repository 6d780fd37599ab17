package dev.butler.pipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.butler.protocol.ZmqFrames;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.protocol.fbdp.FbdpCodec;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpFlags;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.FbdpMessageType;
import dev.butler.protocol.fbdp.PipeSocket;
import dev.butler.service.ButlerService;

import static dev.butler.pipe.PipeTestSupport.client;
import static dev.butler.pipe.PipeTestSupport.freeTcpAddress;
import static dev.butler.pipe.PipeTestSupport.receive;
import static dev.butler.pipe.PipeTestSupport.send;
import static dev.butler.pipe.PipeTestSupport.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of how a data pipe session ends when its service stops or its peer vanishes.
 */
class DataPipeSessionEndTests {

	private static final String FORMAT = "text/plain;charset=utf-8";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class))
		.withUserConfiguration(Sink.class);

	@Test
	void stoppingTheServiceShouldSendCloseErrorToThePeerAndEndWithOutcomeOk() {
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(sink(address, "bind")).run((context) -> {
			try (ZContext zmq = new ZContext(); ZMQ.Socket peer = client(zmq, address)) {
				send(peer, FbdpMessage.open("lines", PipeSocket.INPUT, FORMAT));
				assertThat(receive(peer)).isEqualTo(FbdpMessage.ready(10));
				send(peer, FbdpMessage.ready(2));
				send(peer, FbdpMessage.data("one".getBytes(StandardCharsets.UTF_8)));
				ButlerComponent sink = context.getBean(ButlerComponents.class).find("sink").orElseThrow();
				await().atMost(Duration.ofSeconds(5)).until(() -> context.getBean(Sink.class).received.size() == 1);
				sink.stop();
				FbdpMessage.Close close = (FbdpMessage.Close) receive(peer);
				assertThat(close.code()).isEqualTo(FbdpErrorCode.ERROR);
				assertThat(close.errors()).singleElement()
					.extracting((error) -> error.getDescription())
					.isEqualTo("Service 'sink' stopped");
				assertThat(sink.state()).isEqualTo(State.FINISHED);
				assertThat(sink.outcome()).isEqualTo(Outcome.OK);
			}
		});
	}

	@Test
	void stoppedServiceShouldShowItsPipeClosedAndItsEndpointsReleased() {
		this.contextRunner.withPropertyValues(sink(freeTcpAddress(), "bind"))
			.withPropertyValues("butler.services.sink.stop-on-close=false")
			.run((context) -> {
				ButlerComponent component = context.getBean(ButlerComponents.class).find("sink").orElseThrow();
				assertThat(PipeTestSupport.pipes(component)).singleElement()
					.satisfies((pipe) -> assertThat(pipe.state()).isEqualTo(PipeState.WAITING));
				assertThat(component.endpoints()).containsOnlyKeys("pipe");
				component.stop();
				assertThat(component.state()).isEqualTo(State.FINISHED);
				assertThat(PipeTestSupport.pipes(component)).singleElement()
					.satisfies((pipe) -> assertThat(pipe.state()).isEqualTo(PipeState.CLOSED));
				assertThat(component.endpoints()).isEmpty();
			});
	}

	@Test
	void clientThatDisconnectsMidStreamShouldEndTheSessionOfTheBoundPipe() {
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(sink(address, "bind")).run((context) -> {
			try (ZContext zmq = new ZContext()) {
				ZMQ.Socket peer = client(zmq, address);
				send(peer, FbdpMessage.open("lines", PipeSocket.INPUT, FORMAT));
				assertThat(receive(peer)).isEqualTo(FbdpMessage.ready(10));
				send(peer, FbdpMessage.ready(10));
				send(peer, FbdpMessage.data("one".getBytes(StandardCharsets.UTF_8)));
				Sink sink = context.getBean(Sink.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> sink.received.size() == 1);
				peer.close();
				assertVanished(context.getBean(ButlerComponents.class).find("sink").orElseThrow(), sink);
			}
		});
	}

	@Test
	void serverThatDisconnectsMidStreamShouldEndTheSessionOfTheConnectedPipe() {
		String address = freeTcpAddress();
		try (ZContext zmq = new ZContext()) {
			ZMQ.Socket server = server(zmq, address);
			this.contextRunner.withPropertyValues(sink(address, "connect")).run((context) -> {
				ZMsg open = ZMsg.recvMsg(server);
				assertThat(open).isNotNull();
				ZFrame client = open.pop();
				assertThat(FbdpCodec.decode(ZmqFrames.of(open))).isEqualTo(FbdpMessage.open("lines", PipeSocket.OUTPUT, FORMAT));
				reply(server, client, FbdpMessage.ready(5));
				ZMsg ready = ZMsg.recvMsg(server);
				ready.pop();
				assertThat(FbdpCodec.decode(ZmqFrames.of(ready))).isEqualTo(FbdpMessage.ready(5));
				reply(server, client, FbdpMessage.data("one".getBytes(StandardCharsets.UTF_8)));
				Sink sink = context.getBean(Sink.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> sink.received.size() == 1);
				server.close();
				assertVanished(context.getBean(ButlerComponents.class).find("sink").orElseThrow(), sink);
			});
		}
	}

	@Test
	void peerThatFallsSilentShouldEndTheSessionWithinThePeerTimeout() throws IOException {
		String address = freeTcpAddress();
		try (FreezableRelay relay = new FreezableRelay(address); ZContext zmq = new ZContext()) {
			this.contextRunner.withPropertyValues(sink(address, "bind"))
				.withPropertyValues("butler.services.sink.peer-timeout=1s")
				.run((context) -> {
					ZMQ.Socket peer = client(zmq, relay.address());
					send(peer, FbdpMessage.open("lines", PipeSocket.INPUT, FORMAT));
					assertThat(receive(peer)).isEqualTo(FbdpMessage.ready(10));
					send(peer, FbdpMessage.ready(10));
					send(peer, FbdpMessage.data("one".getBytes(StandardCharsets.UTF_8)));
					Sink sink = context.getBean(Sink.class);
					await().atMost(Duration.ofSeconds(5)).until(() -> sink.received.size() == 1);
					Thread.sleep(1500);
					assertThat(sink.closeCode).as("closed while heartbeats flow").isNull();
					relay.freeze();
					long frozen = System.nanoTime();
					assertVanished(context.getBean(ButlerComponents.class).find("sink").orElseThrow(), sink);
					assertThat(Duration.ofNanos(System.nanoTime() - frozen)).isLessThan(Duration.ofSeconds(4));
				});
		}
	}

	@Test
	void peerSilentForThePeerTimeoutShouldBeProbedWithANoopAndOneThatTalksShouldNot() {
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(sink(address, "bind"))
			.withPropertyValues("butler.services.sink.peer-timeout=1s")
			.run((context) -> {
				try (ZContext zmq = new ZContext(); ZMQ.Socket peer = client(zmq, address)) {
					send(peer, FbdpMessage.open("lines", PipeSocket.INPUT, FORMAT));
					assertThat(receive(peer)).isEqualTo(FbdpMessage.ready(10));
					long talkUntil = System.nanoTime() + Duration.ofMillis(3000).toNanos();
					while (System.nanoTime() < talkUntil) {
						send(peer, FbdpMessage.noop());
						assertThat(ZMsg.recvMsg(peer, ZMQ.DONTWAIT)).as("probe of a peer that talks").isNull();
						Thread.sleep(50);
					}
					assertThat(receive(peer)).as("probe of a silent peer").isEqualTo(FbdpMessage.noop());
					assertThat(receive(peer)).as("next probe").isEqualTo(FbdpMessage.noop());
					ButlerComponent sink = context.getBean(ButlerComponents.class).find("sink").orElseThrow();
					assertThat(PipeTestSupport.pipes(sink)).singleElement()
						.satisfies((pipe) -> assertThat(pipe.state()).isNotEqualTo(PipeState.CLOSED));
				}
			});
	}

	@Test
	void connectingPipeWhoseServerNeverAppearsShouldEndWithinTheOpenTimeout() {
		this.contextRunner.withPropertyValues(sink(freeTcpAddress(), "connect"))
			.withPropertyValues("butler.services.sink.open-timeout=500ms")
			.run((context) -> {
				ButlerComponent component = context.getBean(ButlerComponents.class).find("sink").orElseThrow();
				await().atMost(Duration.ofSeconds(5)).until(() -> component.state() == State.FINISHED);
				assertThat(component.outcome()).isEqualTo(Outcome.ERROR);
				assertThat(component.details()).first(InstanceOfAssertFactories.STRING)
					.contains("did not answer OPEN within 500 ms (open_timeout)");
				assertThat(PipeTestSupport.pipes(component)).singleElement()
					.satisfies((pipe) -> assertThat(pipe.counts().dropped()).isEqualTo(1));
				assertThat(component.details()).contains("Data pipe 'lines' dropped 1 message(s) that no peer took");
			});
	}

	@Test
	void connectingPipeWhoseServerTakesOpenButNeverAnswersShouldEndWithinTheOpenTimeout() {
		String address = freeTcpAddress();
		try (ZContext zmq = new ZContext()) {
			ZMQ.Socket server = server(zmq, address);
			this.contextRunner.withPropertyValues(sink(address, "connect"))
				.withPropertyValues("butler.services.sink.open-timeout=3s")
				.run((context) -> {
					assertThat(ZMsg.recvMsg(server)).as("OPEN").isNotNull();
					ButlerComponent component = context.getBean(ButlerComponents.class).find("sink").orElseThrow();
					await().atMost(Duration.ofSeconds(5)).until(() -> component.state() == State.FINISHED);
					assertThat(component.outcome()).isEqualTo(Outcome.ERROR);
					assertThat(component.details()).first(InstanceOfAssertFactories.STRING)
						.contains("did not answer OPEN within 3000 ms");
				});
		}
	}

	@Test
	void connectingPipeWhoseServerDiesBeforeAnsweringShouldEndTheSessionAtOnce() {
		String address = freeTcpAddress();
		try (ZContext zmq = new ZContext()) {
			ZMQ.Socket server = server(zmq, address);
			this.contextRunner.withPropertyValues(sink(address, "connect"))
				.withPropertyValues("butler.services.sink.open-timeout=60s")
				.run((context) -> {
					assertThat(ZMsg.recvMsg(server)).as("OPEN").isNotNull();
					server.close();
					assertVanished(context.getBean(ButlerComponents.class).find("sink").orElseThrow(),
							context.getBean(Sink.class));
				});
		}
	}

	@Test
	void stoppingAServiceWhosePipeNeverConnectedShouldBeQuickAndReportWhatWasDropped() {
		this.contextRunner.withPropertyValues(sink(freeTcpAddress(), "connect")).run((context) -> {
			ButlerComponent component = context.getBean(ButlerComponents.class).find("sink").orElseThrow();
			long started = System.nanoTime();
			component.stop();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
			assertThat(component.state()).isEqualTo(State.FINISHED);
			assertThat(component.outcome()).isEqualTo(Outcome.OK);
			assertThat(PipeTestSupport.pipes(component)).singleElement()
				.satisfies((pipe) -> assertThat(pipe.counts().dropped()).as("OPEN and CLOSE").isEqualTo(2));
			assertThat(component.details()).containsExactly(
					"Data pipe 'lines' was still open when the service stopped: its input ended early, after 0 DATA "
							+ "messages",
					"Data pipe 'lines' dropped 2 message(s) that no peer took");
		});
	}

	@Test
	void stoppingMidStreamShouldSayInTheOutcomeHowFarTheInputGot() {
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(sink(address, "bind")).run((context) -> {
			try (ZContext zmq = new ZContext(); ZMQ.Socket peer = client(zmq, address)) {
				send(peer, FbdpMessage.open("lines", PipeSocket.INPUT, FORMAT));
				assertThat(receive(peer)).isEqualTo(FbdpMessage.ready(10));
				send(peer, FbdpMessage.ready(3));
				for (String line : List.of("one", "two", "three")) {
					send(peer, FbdpMessage.data(line.getBytes(StandardCharsets.UTF_8)));
				}
				Sink sink = context.getBean(Sink.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> sink.received.size() == 3);
				ButlerComponent component = context.getBean(ButlerComponents.class).find("sink").orElseThrow();
				new Thread(component::stop).start();
				assertThat(receive(peer)).isEqualTo(FbdpMessage.ready(10));
				assertThat(receive(peer)).isInstanceOf(FbdpMessage.Close.class);
				peer.close();
				await().atMost(Duration.ofSeconds(3)).until(() -> component.state() == State.FINISHED);
				assertThat(component.outcome()).isEqualTo(Outcome.OK);
				assertThat(component.details()).containsExactly("Data pipe 'lines' was still open when the service "
						+ "stopped: its input ended early, after 3 DATA messages");
			}
		});
	}

	@Test
	void clientsThatVanishRightAfterOpenShouldNeitherBlockTheNextClientNorPileUpMessages() {
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(sink(address, "bind"))
			.withPropertyValues("butler.services.sink.stop-on-close=false")
			.run((context) -> {
				try (ZContext zmq = new ZContext()) {
					for (int i = 0; i < 30; i++) {
						ZMQ.Socket vanishing = client(zmq, address);
						vanishing.setLinger(0);
						send(vanishing, FbdpMessage.open("lines", PipeSocket.INPUT, FORMAT));
						vanishing.close();
					}
					try (ZMQ.Socket next = client(zmq, address)) {
						next.setReceiveTimeOut(100);
						long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
						FbdpMessage answer = null;
						while (System.nanoTime() < deadline) {
							send(next, FbdpMessage.open("lines", PipeSocket.INPUT, FORMAT));
							ZMsg reply = ZMsg.recvMsg(next);
							answer = (reply != null) ? FbdpCodec.decode(ZmqFrames.of(reply)) : null;
							if (answer instanceof FbdpMessage.Ready) {
								break;
							}
							Thread.sleep(100);
						}
						assertThat(answer).as("a later client is served").isEqualTo(FbdpMessage.ready(10));
					}
					ButlerComponent component = context.getBean(ButlerComponents.class).find("sink").orElseThrow();
					assertThat(component.state()).isEqualTo(State.RUNNING);
				}
			});
	}

	@Test
	void peerThatStopsReadingShouldEndItsSessionAsStalledAndNotHoldUpTheNextClient() {
		String address = freeTcpAddress();
		this.contextRunner.withPropertyValues(sink(address, "bind"))
			.withPropertyValues("butler.services.sink.stop-on-close=false", "butler.services.sink.peer-timeout=1s")
			.run((context) -> {
				try (ZContext zmq = new ZContext()) {
					ZMQ.Socket deaf = zmq.createSocket(SocketType.DEALER);
					// JeroMQ sometimes stalls a fresh handshake; its 30 s default would outlast the wait for READY.
					deaf.setHandshakeIvl(500);
					deaf.setLinger(0);
					deaf.setRcvHWM(1);
					deaf.setReceiveBufferSize(4096);
					deaf.setSendTimeOut(2000);
					deaf.connect(address);
					send(deaf, FbdpMessage.open("lines", PipeSocket.INPUT, FORMAT));
					deaf.setReceiveTimeOut(5000);
					assertThat(FbdpCodec.decode(ZmqFrames.of(ZMsg.recvMsg(deaf)))).isEqualTo(FbdpMessage.ready(10));
					byte[] noopAskingForAck = FbdpCodec.header(FbdpMessageType.NOOP, FbdpFlags.ACK_REQ, 0);
					ButlerComponent component = context.getBean(ButlerComponents.class).find("sink").orElseThrow();
					long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
					while (PipeTestSupport.pipes(component).get(0).counts().stalls() == 0 && System.nanoTime() < deadline) {
						for (int i = 0; i < 10_000; i++) {
							deaf.send(noopAskingForAck, ZMQ.DONTWAIT);
						}
						Thread.sleep(20);
					}
					assertThat(PipeTestSupport.pipes(component)).singleElement().satisfies((pipe) -> {
						assertThat(pipe.counts().stalls()).isEqualTo(1);
						assertThat(pipe.counts().dropped()).isPositive();
						assertThat(pipe.closeDetails()).singleElement(InstanceOfAssertFactories.STRING)
							.contains("stopped reading");
					});
					try (ZMQ.Socket next = client(zmq, address)) {
						send(next, FbdpMessage.open("lines", PipeSocket.INPUT, FORMAT));
						assertThat(receive(next)).isEqualTo(FbdpMessage.ready(10));
					}
					deaf.close();
				}
			});
	}

	private static void assertVanished(ButlerComponent component, Sink sink) {
		await().atMost(Duration.ofSeconds(5)).until(() -> component.state() == State.FINISHED);
		assertThat(sink.closeCode).isEqualTo(FbdpErrorCode.ERROR);
		assertThat(sink.closeDetails).singleElement(InstanceOfAssertFactories.STRING)
			.contains("Peer of data pipe 'lines' vanished");
		assertThat(component.outcome()).isEqualTo(Outcome.ERROR);
		assertThat(component.details()).singleElement(InstanceOfAssertFactories.STRING)
			.contains("'lines' closed with ERROR", "vanished");
		assertThat(component.statistics().errors()).as("runs that ended with outcome ERROR").isEqualTo(1);
	}

	private static void reply(ZMQ.Socket server, ZFrame client, FbdpMessage message) {
		ZMsg reply = ZmqFrames.toZMsg(FbdpCodec.encode(message));
		reply.push(client.duplicate());
		reply.send(server);
	}

	private static String[] sink(String address, String mode) {
		return new String[] { "butler.services.sink.pipe=lines", "butler.services.sink.pipe-address=" + address,
				"butler.services.sink.pipe-mode=" + mode, "butler.services.sink.pipe-format=" + FORMAT,
				"butler.services.sink.batch-size=10" };
	}

	@ButlerService("sink")
	static class Sink extends DataConsumerService<Void> {

		final List<String> received = new CopyOnWriteArrayList<>();

		volatile FbdpErrorCode closeCode;

		volatile List<String> closeDetails;

		@Override
		protected void acceptData(byte[] data) {
			this.received.add(new String(data, StandardCharsets.UTF_8));
		}

		@Override
		protected void pipeClosed(DataPipe pipe) {
			this.closeDetails = pipe.closeDetails();
			this.closeCode = pipe.closeCode();
		}

	}

	/**
	 * A tcp relay to a target address that can stop forwarding without closing anything, like a
	 * peer whose host froze or whose network went away.
	 */
	static final class FreezableRelay implements AutoCloseable {

		private final ServerSocket listener;

		private final int targetPort;

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		private volatile boolean frozen;

		FreezableRelay(String target) throws IOException {
			this.targetPort = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
			this.listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
			Thread acceptor = new Thread(this::accept, "relay-acceptor");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		String address() {
			return "tcp://127.0.0.1:" + this.listener.getLocalPort();
		}

		void freeze() {
			this.frozen = true;
		}

		private void accept() {
			try {
				while (true) {
					Socket inbound = this.listener.accept();
					Socket outbound = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
					this.sockets.add(inbound);
					this.sockets.add(outbound);
					pump(inbound, outbound);
					pump(outbound, inbound);
				}
			}
			catch (IOException ex) {
				// closed
			}
		}

		/**
		 * Copy from one socket to the other until either closes, then close both, as a peer's end of
		 * a connection would.
		 */
		private void pump(Socket from, Socket to) {
			Thread pump = new Thread(() -> {
				byte[] buffer = new byte[8192];
				try (from; to) {
					InputStream in = from.getInputStream();
					OutputStream out = to.getOutputStream();
					int read;
					while ((read = in.read(buffer)) >= 0) {
						while (this.frozen) {
							Thread.sleep(50);
						}
						out.write(buffer, 0, read);
						out.flush();
					}
				}
				catch (IOException | InterruptedException ex) {
					// closed
				}
			}, "relay-pump");
			pump.setDaemon(true);
			pump.start();
		}

		@Override
		public void close() throws IOException {
			this.listener.close();
			for (Socket socket : this.sockets) {
				socket.close();
			}
		}

	}

}
