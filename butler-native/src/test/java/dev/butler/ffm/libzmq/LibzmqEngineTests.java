package dev.butler.ffm.libzmq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jdk.jfr.Recording;

import org.junit.jupiter.api.Test;

import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqEngine;
import dev.butler.zeromq.ZmqEngineContract;
import dev.butler.zeromq.ZmqEngines;
import dev.butler.zeromq.ZmqError;
import dev.butler.zeromq.ZmqException;
import dev.butler.zeromq.ZmqPoller;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The engine contract on libzmq through the FFM API, the choice of the engine on this JVM, and what
 * a closed socket or context does.
 */
class LibzmqEngineTests extends ZmqEngineContract {

	private static final LibzmqEngine ENGINE = new LibzmqEngine();

	@Override
	protected ZmqEngine engine() {
		return ENGINE;
	}

	@Test
	void libzmqShouldBeChosenByNameWithRealIpcAndItsVersion() {
		ZmqEngine engine = ZmqEngines.select("libzmq");
		assertThat(engine).isInstanceOf(LibzmqEngine.class);
		assertThat(engine.name()).isEqualTo("libzmq");
		assertThat(engine.version()).matches("libzmq 4\\.\\d+\\.\\d+");
		assertThat(engine.realIpc()).isTrue();
	}

	@Test
	void autoShouldChooseLibzmqWhereItIsInstalled() {
		assertThat(ZmqEngines.select("auto").name()).isEqualTo("libzmq");
	}

	@Test
	void routerShouldTellAPeerGoneWhoseMessagesAreReadOnlyAfterItLeft() throws Exception {
		byte[] gone = "\0gone".getBytes(StandardCharsets.US_ASCII);
		String address = address("tcp");
		ZmqSocket router = socket(ZmqSocketType.ROUTER);
		router.setPeerGoneMessage(gone);
		router.setReceiveTimeout(5000);
		router.bind(address);
		try (ZmqContext peers = ENGINE.newContext(1)) {
			ZmqSocket dealer = peers.socket(ZmqSocketType.DEALER);
			dealer.setRoutingId("early".getBytes(StandardCharsets.UTF_8));
			dealer.setLinger(5000);
			dealer.connect(address);
			dealer.send("first".getBytes(StandardCharsets.UTF_8), 0);
			dealer.send("second".getBytes(StandardCharsets.UTF_8), 0);
			dealer.close();
		}
		// libzmq reports the connection's end at once; what the peer sent still waits in the router.
		Thread.sleep(300);
		List<String> seen = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			List<byte[]> message = router.receiveMessage(false);
			assertThat(message).as("message " + (i + 1) + " after " + seen).isNotNull();
			seen.add(describe(message, gone));
		}
		assertThat(seen).containsExactly("early first", "early second", "early gone");
		assertThat(router.receiveMessage(true)).isNull();
	}

	@Test
	void callsThatDoNotWaitShouldGoOnWhenAProfilerInterruptsThem() throws Exception {
		// JFR samples a thread that runs Java code, critical downcalls included, by signalling it; the
		// poll inside such a call then fails with EINTR.
		String address = address("tcp");
		ZmqSocket pull = socket(ZmqSocketType.PULL);
		pull.bind(address);
		ZmqSocket push = socket(ZmqSocketType.PUSH);
		push.connect(address);
		int messages = 300_000;
		try (Recording recording = new Recording()) {
			recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
			recording.start();
			CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < messages; i++) {
					while (!push.send(new byte[] { (byte) i }, ZmqSocket.DONTWAIT)) {
						Thread.onSpinWait();
					}
				}
			});
			int received = 0;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (received < messages && System.nanoTime() < deadline && !sent.isCompletedExceptionally()) {
				if (pull.receive(ZmqSocket.DONTWAIT) != null) {
					received++;
				}
			}
			sent.get(10, TimeUnit.SECONDS);
			assertThat(received).isEqualTo(messages);
		}
	}

	private static String describe(List<byte[]> message, byte[] gone) {
		return new String(message.get(0), StandardCharsets.UTF_8) + " "
				+ (Arrays.equals(message.get(1), gone) ? "gone" : new String(message.get(1), StandardCharsets.UTF_8));
	}

	@Test
	void closedSocketShouldRefuseCallsSayingSo() {
		try (ZmqContext context = ENGINE.newContext(1)) {
			ZmqSocket pull = context.socket(ZmqSocketType.PULL);
			pull.close();
			pull.close();
			assertThatExceptionOfType(ZmqException.class).isThrownBy(() -> pull.receive(ZmqSocket.DONTWAIT))
				.withMessageContaining("PULL socket is closed")
				.satisfies((ex) -> assertThat(ex.error()).isEqualTo(ZmqError.INVALID));
			assertThatExceptionOfType(ZmqException.class).isThrownBy(() -> pull.bind("inproc://closed"));
		}
	}

	@Test
	void closingTheContextShouldCloseItsSocketsAndWakeOneThatWaits() throws Exception {
		ZmqContext context = ENGINE.newContext(1);
		ZmqSocket pull = context.socket(ZmqSocketType.PULL);
		pull.bind("inproc://waiting");
		ZmqPoller poller = context.poller();
		poller.register(pull, ZmqPoller.POLLIN);
		java.util.concurrent.CompletableFuture<Throwable> polled = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
			try {
				poller.poll(-1);
				return null;
			}
			catch (ZmqException ex) {
				return ex;
			}
		});
		Thread.sleep(100);
		context.close();
		assertThat(polled.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(ZmqException.class)
			.satisfies((ex) -> assertThat(((ZmqException) ex).error()).isEqualTo(ZmqError.TERMINATED));
		assertThatExceptionOfType(ZmqException.class).isThrownBy(() -> pull.receive(0))
			.satisfies((ex) -> assertThat(ex.error()).isEqualTo(ZmqError.TERMINATED));
		assertThatExceptionOfType(ZmqException.class).isThrownBy(() -> context.socket(ZmqSocketType.PUSH))
			.withMessageContaining("context is closed");
		poller.close();
	}

	@Test
	void largeFramesShouldPassWhetherTheSendWaitsOrNot() {
		try (ZmqContext context = ENGINE.newContext(1)) {
			ZmqSocket pull = context.socket(ZmqSocketType.PULL);
			pull.setReceiveTimeout(5000);
			pull.bind("tcp://127.0.0.1:*");
			ZmqSocket push = context.socket(ZmqSocketType.PUSH);
			push.setSendHighWaterMark(1);
			push.connect(pull.lastEndpoint());
			byte[] large = new byte[3 * 1024 * 1024];
			large[large.length - 1] = 42;
			for (int i = 0; i < 5; i++) {
				assertThat(push.sendMessage(List.of(bytes("n" + i), large), false)).isTrue();
			}
			for (int i = 0; i < 5; i++) {
				List<byte[]> received = pull.receiveMessage(false);
				assertThat(received).hasSize(2);
				assertThat(text(received.get(0))).isEqualTo("n" + i);
				assertThat(received.get(1)).hasSize(large.length).endsWith(42);
			}
		}
	}

}
