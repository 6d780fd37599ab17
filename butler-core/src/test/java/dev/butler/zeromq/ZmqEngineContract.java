package dev.butler.zeromq;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What every {@link ZmqEngine} must do, with real sockets: a test class per engine extends it and
 * names the engine.
 */
public abstract class ZmqEngineContract {

	private static final byte[] GONE = "\0gone".getBytes(StandardCharsets.US_ASCII);

	private ZmqContext context;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	/**
	 * Return the engine under test.
	 * @return the engine
	 */
	protected abstract ZmqEngine engine();

	@BeforeEach
	void openContext() {
		this.context = engine().newContext(1);
	}

	@AfterEach
	void closeContext() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
		this.context.close();
	}

	protected ZmqSocket socket(ZmqSocketType type) {
		ZmqSocket socket = this.context.socket(type);
		socket.setReceiveTimeout(5000);
		this.closeables.add(socket);
		return socket;
	}

	protected String address(String transport) {
		return switch (transport) {
			case "tcp" -> "tcp://127.0.0.1:" + freePort();
			case "inproc" -> "inproc://contract-" + System.nanoTime();
			default -> throw new IllegalArgumentException(transport);
		};
	}

	@ParameterizedTest
	@ValueSource(strings = { "tcp", "inproc" })
	void pushShouldDeliverEveryFrameToPullInOrder(String transport) {
		String address = address(transport);
		ZmqSocket pull = socket(ZmqSocketType.PULL);
		pull.bind(address);
		ZmqSocket push = socket(ZmqSocketType.PUSH);
		push.connect(address);
		for (int i = 0; i < 1000; i++) {
			assertThat(push.send(bytes("m" + i), 0)).isTrue();
		}
		for (int i = 0; i < 1000; i++) {
			assertThat(text(pull.receive(0))).isEqualTo("m" + i);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "tcp", "inproc" })
	void routerShouldReceiveTheDealersFramesAfterItsRoutingIdAndAnswerIt(String transport) {
		String address = address(transport);
		ZmqSocket router = socket(ZmqSocketType.ROUTER);
		router.bind(address);
		ZmqSocket dealer = socket(ZmqSocketType.DEALER);
		dealer.setRoutingId(bytes("client-1"));
		dealer.connect(address);
		assertThat(dealer.sendMessage(List.of(bytes("header"), bytes("payload"), new byte[0]), false)).isTrue();
		List<byte[]> received = router.receiveMessage(false);
		assertThat(received).extracting(ZmqEngineContract::text).containsExactly("client-1", "header", "payload", "");
		assertThat(router.sendMessage(List.of(bytes("client-1"), bytes("answer")), false)).isTrue();
		assertThat(dealer.receiveMessage(false)).extracting(ZmqEngineContract::text).containsExactly("answer");
		assertThat(dealer.hasMore()).isFalse();
	}

	@Test
	void receiveWithoutWaitingShouldAnswerNullWhenNothingIsWaiting() {
		ZmqSocket pull = socket(ZmqSocketType.PULL);
		pull.bind(address("inproc"));
		assertThat(pull.receive(ZmqSocket.DONTWAIT)).isNull();
		assertThat(pull.receiveMessage(true)).isNull();
	}

	@Test
	void receiveShouldAnswerNullWhenItsTimeoutPasses() {
		ZmqSocket pull = socket(ZmqSocketType.PULL);
		pull.setReceiveTimeout(50);
		pull.bind(address("inproc"));
		long started = System.nanoTime();
		assertThat(pull.receive(0)).isNull();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(40));
	}

	@Test
	void sendWithoutWaitingShouldAnswerFalseWhenThereIsNoPeer() {
		ZmqSocket dealer = socket(ZmqSocketType.DEALER);
		dealer.setSendHighWaterMark(1);
		dealer.connect(address("tcp"));
		int queued = 0;
		while (queued < 10 && dealer.send(bytes("x"), ZmqSocket.DONTWAIT)) {
			queued++;
		}
		// The connection's queue may take a message or two before its peer answers, never ten.
		assertThat(queued).isLessThan(10);
		assertThat(dealer.events() & ZmqPoller.POLLOUT).isZero();
	}

	@Test
	void mandatoryRouterShouldRefuseAMessageForAnUnknownPeer() {
		ZmqSocket router = socket(ZmqSocketType.ROUTER);
		router.setRouterMandatory(true);
		router.bind(address("inproc"));
		assertThatExceptionOfType(ZmqException.class)
			.isThrownBy(() -> router.sendMessage(List.of(bytes("nobody"), bytes("x")), true))
			.satisfies((ex) -> assertThat(ex.error()).isEqualTo(ZmqError.HOST_UNREACHABLE));
	}

	@Test
	void bindingAWildcardPortShouldTellTheBoundEndpoint() {
		ZmqSocket pull = socket(ZmqSocketType.PULL);
		pull.bind("tcp://127.0.0.1:*");
		String endpoint = pull.lastEndpoint();
		assertThat(endpoint).startsWith("tcp://127.0.0.1:").doesNotEndWith("*");
		ZmqSocket push = socket(ZmqSocketType.PUSH);
		push.connect(endpoint);
		push.send(bytes("hello"), 0);
		assertThat(text(pull.receive(0))).isEqualTo("hello");
	}

	@Test
	void bindingAnAddressInUseShouldFailSayingSo() {
		String address = address("tcp");
		socket(ZmqSocketType.PULL).bind(address);
		ZmqSocket second = socket(ZmqSocketType.PULL);
		assertThatExceptionOfType(ZmqException.class).isThrownBy(() -> second.bind(address))
			.satisfies((ex) -> assertThat(ex.error()).isEqualTo(ZmqError.ADDRESS_IN_USE))
			.withMessageContaining(address);
	}

	@Test
	void badEndpointShouldFailNamingIt() {
		ZmqSocket pull = socket(ZmqSocketType.PULL);
		assertThatExceptionOfType(ZmqException.class).isThrownBy(() -> pull.bind("nonsense://where"))
			.withMessageContaining("nonsense://where");
	}

	@Test
	void pollerShouldReportInputAndOutputOfEachSocket() {
		String address = address("inproc");
		ZmqSocket pull = socket(ZmqSocketType.PULL);
		pull.bind(address);
		ZmqSocket push = socket(ZmqSocketType.PUSH);
		push.connect(address);
		ZmqPoller poller = poller();
		ZmqPoller.Item input = poller.register(pull, ZmqPoller.POLLIN);
		ZmqPoller.Item output = poller.register(push, 0);
		assertThat(poller.poll(0)).isZero();
		push.send(bytes("x"), 0);
		assertThat(poller.poll(5000)).isEqualTo(1);
		assertThat(input.readyEvents()).isEqualTo(ZmqPoller.POLLIN);
		assertThat(output.readyEvents()).isZero();
		output.setEvents(ZmqPoller.POLLOUT);
		assertThat(poller.poll(0)).isEqualTo(2);
		assertThat(output.readyEvents()).isEqualTo(ZmqPoller.POLLOUT);
		assertThat(text(pull.receive(0))).isEqualTo("x");
		output.cancel();
		assertThat(poller.poll(0)).isZero();
	}

	@Test
	void pollerShouldWaitForInputFromAnotherProcessSide() throws Exception {
		String address = address("tcp");
		ZmqSocket pull = socket(ZmqSocketType.PULL);
		pull.bind(address);
		ZmqPoller poller = poller();
		ZmqPoller.Item input = poller.register(pull, ZmqPoller.POLLIN);
		ZmqSocket push = socket(ZmqSocketType.PUSH);
		push.connect(address);
		CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
			sleep(100);
			push.send(bytes("late"), 0);
		});
		int ready = 0;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (ready == 0 && System.nanoTime() < deadline) {
			ready = poller.poll(1000);
		}
		sent.get(5, TimeUnit.SECONDS);
		assertThat(ready).isEqualTo(1);
		assertThat(input.readyEvents()).isEqualTo(ZmqPoller.POLLIN);
		assertThat(text(pull.receive(0))).isEqualTo("late");
	}

	@Test
	void pollerShouldReturnWhenWokenFromAnotherThread() throws Exception {
		ZmqSocket pull = socket(ZmqSocketType.PULL);
		pull.bind(address("inproc"));
		ZmqPoller poller = poller();
		poller.register(pull, ZmqPoller.POLLIN);
		CompletableFuture.runAsync(() -> {
			sleep(100);
			poller.wake();
		});
		long started = System.nanoTime();
		assertThat(poller.poll(10_000)).isZero();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void pollerShouldReturnAfterItsTimeoutWhenNothingIsReady() {
		ZmqSocket pull = socket(ZmqSocketType.PULL);
		pull.bind(address("inproc"));
		ZmqPoller poller = poller();
		poller.register(pull, ZmqPoller.POLLIN);
		long started = System.nanoTime();
		assertThat(poller.poll(50)).isZero();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(40));
	}

	@Test
	void routerShouldTellAPeerThatIsGoneAfterWhatItSent() {
		String address = address("tcp");
		ZmqSocket router = socket(ZmqSocketType.ROUTER);
		router.setPeerGoneMessage(GONE);
		router.bind(address);
		ZmqSocket dealer = this.context.socket(ZmqSocketType.DEALER);
		dealer.setRoutingId(bytes("leaving"));
		dealer.connect(address);
		dealer.send(bytes("hello"), 0);
		assertThat(router.receiveMessage(false)).extracting(ZmqEngineContract::text).containsExactly("leaving", "hello");
		dealer.setLinger(5000);
		dealer.send(bytes("last words"), 0);
		dealer.close();
		assertThat(router.receiveMessage(false)).extracting(ZmqEngineContract::text)
			.containsExactly("leaving", "last words");
		assertThat(router.receiveMessage(false)).containsExactly(bytes("leaving"), GONE);
	}

	@Test
	void dealerShouldTellThatItsConnectionDropped() {
		String address = address("tcp");
		ZmqSocket router = this.context.socket(ZmqSocketType.ROUTER);
		router.bind(address);
		ZmqSocket dealer = socket(ZmqSocketType.DEALER);
		dealer.setPeerGoneMessage(GONE);
		dealer.connect(address);
		dealer.send(bytes("hello"), 0);
		router.setReceiveTimeout(5000);
		assertThat(router.receiveMessage(false)).hasSize(2);
		router.close();
		assertThat(dealer.receiveMessage(false)).containsExactly(GONE);
	}

	@Test
	void monitorShouldReportConnectionsAcceptedAndDropped() {
		String address = address("tcp");
		ZmqSocket router = socket(ZmqSocketType.ROUTER);
		ZmqMonitor monitor = router.monitor(ZmqEvent.Type.ACCEPTED.bit() | ZmqEvent.Type.DISCONNECTED.bit());
		this.closeables.add(monitor);
		router.bind(address);
		ZmqSocket dealer = this.context.socket(ZmqSocketType.DEALER);
		dealer.connect(address);
		ZmqEvent accepted = monitor.receive(5000);
		assertThat(accepted).isNotNull();
		assertThat(accepted.type()).isEqualTo(ZmqEvent.Type.ACCEPTED);
		assertThat(accepted.address()).isEqualTo(address);
		dealer.close();
		ZmqEvent dropped = monitor.receive(5000);
		assertThat(dropped).isNotNull();
		assertThat(dropped.type()).isEqualTo(ZmqEvent.Type.DISCONNECTED);
		assertThat(monitor.receive(0)).isNull();
	}

	@Test
	void pollerShouldReportAMonitorWhileItsEventsWait() {
		String address = address("tcp");
		ZmqSocket router = socket(ZmqSocketType.ROUTER);
		router.setPeerGoneMessage(GONE);
		ZmqMonitor monitor = router.monitor(ZmqEvent.Type.ACCEPTED.bit() | ZmqEvent.Type.DISCONNECTED.bit());
		this.closeables.add(monitor);
		router.bind(address);
		ZmqPoller poller = poller();
		ZmqPoller.Item routerItem = poller.register(router, ZmqPoller.POLLIN);
		ZmqPoller.Item monitorItem = poller.register(monitor);
		assertThat(poller.poll(0)).isZero();
		ZmqSocket dealer = this.context.socket(ZmqSocketType.DEALER);
		dealer.connect(address);
		assertThat(pollUntilReady(poller, monitorItem)).isEqualTo(ZmqPoller.POLLIN);
		assertThat(routerItem.readyEvents()).isZero();
		ZmqEvent accepted = monitor.receive(0);
		assertThat(accepted).isNotNull();
		assertThat(accepted.type()).isEqualTo(ZmqEvent.Type.ACCEPTED);
		assertThat(monitor.receive(0)).isNull();
		assertThat(poller.poll(0)).isZero();
		dealer.send(bytes("hello"), 0);
		assertThat(pollUntilReady(poller, routerItem)).isEqualTo(ZmqPoller.POLLIN);
		assertThat(router.receiveMessage(true)).hasSize(2);
		dealer.close();
		List<String> seen = new ArrayList<>();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (seen.size() < 2 && System.nanoTime() < deadline) {
			poller.poll(1000);
			if (monitorItem.readyEvents() != 0) {
				ZmqEvent event = monitor.receive(0);
				assertThat(event).isNotNull();
				seen.add(event.type().name());
			}
			if (routerItem.readyEvents() != 0) {
				List<byte[]> message = router.receiveMessage(true);
				if (message != null) {
					assertThat(message.get(1)).isEqualTo(GONE);
					seen.add("gone");
				}
			}
		}
		assertThat(seen).containsExactlyInAnyOrder("DISCONNECTED", "gone");
		monitorItem.cancel();
		routerItem.cancel();
	}

	@Test
	void closedSocketShouldStillSendWhatItHeldWithinItsLinger() {
		String address = address("tcp");
		ZmqSocket push = this.context.socket(ZmqSocketType.PUSH);
		push.connect(address);
		for (int i = 0; i < 100; i++) {
			assertThat(push.send(bytes("held " + i), ZmqSocket.DONTWAIT)).isTrue();
		}
		push.setLinger(10_000);
		push.close();
		ZmqSocket pull = socket(ZmqSocketType.PULL);
		pull.setReceiveTimeout(5000);
		pull.bind(address);
		for (int i = 0; i < 100; i++) {
			byte[] frame = pull.receive(0);
			assertThat(frame).as("message %d", i).isNotNull();
			assertThat(text(frame)).isEqualTo("held " + i);
		}
	}

	private static int pollUntilReady(ZmqPoller poller, ZmqPoller.Item item) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline) {
			poller.poll(1000);
			if (item.readyEvents() != 0) {
				return item.readyEvents();
			}
		}
		return 0;
	}

	private ZmqPoller poller() {
		ZmqPoller poller = this.context.poller();
		this.closeables.add(poller);
		return poller;
	}

	protected static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	protected static String text(byte[] bytes) {
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	protected static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
