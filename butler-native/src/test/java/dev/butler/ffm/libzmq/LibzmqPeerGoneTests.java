package dev.butler.ffm.libzmq;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqEvent;
import dev.butler.zeromq.ZmqMonitor;
import dev.butler.zeromq.ZmqPoller;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peer-gone messages on a libzmq without the draft options (Debian's {@code libzmq5}), which the
 * socket emulates from its monitor: with a poller, with {@code events()}, with several peers, and
 * beside the socket's own monitor.
 */
class LibzmqPeerGoneTests {

	private static final byte[] GONE = "\0gone".getBytes(StandardCharsets.US_ASCII);

	private final List<List<byte[]>> read = new ArrayList<>();

	private ZmqContext context;

	@BeforeEach
	void openContext() {
		this.context = new LibzmqEngine().newContext(1);
	}

	@AfterEach
	void closeContext() {
		this.context.close();
	}

	@Test
	void pollerShouldWakeForAPeerThatIsGone() {
		ZmqSocket router = router();
		ZmqSocket dealer = dealer("leaving", router.lastEndpoint());
		dealer.send(bytes("hello"), 0);
		assertThat(router.receiveMessage(false)).extracting(LibzmqPeerGoneTests::text).containsExactly("leaving", "hello");
		try (ZmqPoller poller = this.context.poller()) {
			ZmqPoller.Item item = poller.register(router, ZmqPoller.POLLIN);
			assertThat(poller.poll(0)).isZero();
			dealer.close();
			int ready = 0;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (ready == 0 && System.nanoTime() < deadline) {
				ready = poller.poll(1000);
			}
			assertThat(ready).isEqualTo(1);
			assertThat(item.readyEvents()).isEqualTo(ZmqPoller.POLLIN);
			assertThat(router.receiveMessage(true)).containsExactly(bytes("leaving"), GONE);
			assertThat(poller.poll(0)).isZero();
		}
	}

	@Test
	void routerShouldTellOfEachPeerThatIsGoneOnce() {
		ZmqSocket router = router();
		List<ZmqSocket> dealers = new ArrayList<>();
		for (String id : List.of("a", "b", "c")) {
			ZmqSocket dealer = dealer(id, router.lastEndpoint());
			dealer.send(bytes("from " + id), 0);
			dealers.add(dealer);
		}
		for (int i = 0; i < 3; i++) {
			assertThat(router.receiveMessage(false)).hasSize(2);
		}
		dealers.get(1).close();
		assertThat(router.receiveMessage(false)).containsExactly(bytes("b"), GONE);
		dealers.get(0).close();
		dealers.get(2).close();
		List<String> gone = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			List<byte[]> message = router.receiveMessage(false);
			assertThat(message).hasSize(2);
			assertThat(message.get(1)).isEqualTo(GONE);
			gone.add(text(message.get(0)));
		}
		assertThat(gone).containsExactlyInAnyOrder("a", "c");
		router.setReceiveTimeout(200);
		assertThat(router.receiveMessage(false)).isNull();
	}

	@Test
	void eventsShouldReportInputWhileAGoneMessageWaits() throws Exception {
		ZmqSocket router = this.context.socket(ZmqSocketType.ROUTER);
		router.bind("tcp://127.0.0.1:*");
		ZmqSocket dealer = this.context.socket(ZmqSocketType.DEALER);
		dealer.setPeerGoneMessage(GONE);
		dealer.connect(router.lastEndpoint());
		dealer.send(bytes("hello"), 0);
		router.setReceiveTimeout(5000);
		assertThat(router.receiveMessage(false)).hasSize(2);
		assertThat(dealer.events() & ZmqPoller.POLLIN).isZero();
		router.close();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while ((dealer.events() & ZmqPoller.POLLIN) == 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(dealer.events() & ZmqPoller.POLLIN).isEqualTo(ZmqPoller.POLLIN);
		assertThat(dealer.receiveMessage(true)).containsExactly(GONE);
		assertThat(dealer.hasMore()).isFalse();
		assertThat(dealer.events() & ZmqPoller.POLLIN).isZero();
		assertThat(dealer.receive(ZmqSocket.DONTWAIT)).isNull();
		dealer.close();
	}

	@Test
	void monitorShouldReportTheEventsOfASocketThatTellsOfPeersGone() {
		ZmqSocket router = router();
		ZmqMonitor monitor = router.monitor(ZmqEvent.Type.ACCEPTED.bit() | ZmqEvent.Type.DISCONNECTED.bit());
		ZmqSocket dealer = dealer("watched", router.lastEndpoint());
		ZmqEvent accepted = monitor.receive(5000);
		assertThat(accepted).isNotNull();
		assertThat(accepted.type()).isEqualTo(ZmqEvent.Type.ACCEPTED);
		dealer.send(bytes("hello"), 0);
		assertThat(router.receiveMessage(false)).hasSize(2);
		dealer.close();
		assertThat(router.receiveMessage(false)).containsExactly(bytes("watched"), GONE);
		ZmqEvent dropped = monitor.receive(5000);
		assertThat(dropped).isNotNull();
		assertThat(dropped.type()).isEqualTo(ZmqEvent.Type.DISCONNECTED);
		monitor.close();
		ZmqSocket again = dealer("again", router.lastEndpoint());
		again.send(bytes("hi"), 0);
		assertThat(router.receiveMessage(false)).hasSize(2);
		again.close();
		assertThat(router.receiveMessage(false)).containsExactly(bytes("again"), GONE);
	}

	@Test
	void routerShouldTellOfEveryPeerGoneWhenPeersComeAndGoFasterThanItReads() throws Exception {
		ZmqSocket router = router();
		int peers = 60;
		try (ZmqContext others = new LibzmqEngine().newContext(1)) {
			for (int i = 0; i < peers; i++) {
				ZmqSocket dealer = others.socket(ZmqSocketType.DEALER);
				dealer.setLinger(5000);
				dealer.connect(router.lastEndpoint());
				dealer.send(bytes("hello " + i), 0);
				dealer.close();
				if (i % 10 == 9) {
					readSome(router, 3);
				}
			}
		}
		Map<String, String> said = new HashMap<>();
		List<String> gone = new ArrayList<>();
		for (List<byte[]> message : this.read) {
			record(message, said, gone);
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (gone.size() < peers && System.nanoTime() < deadline) {
			List<byte[]> message = router.receiveMessage(false);
			if (message != null) {
				record(message, said, gone);
			}
		}
		assertThat(said).hasSize(peers);
		assertThat(gone).as("routing ids told gone").hasSize(peers).doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(said.keySet());
		router.setReceiveTimeout(200);
		assertThat(router.receiveMessage(false)).isNull();
	}

	private void readSome(ZmqSocket router, int count) {
		for (int i = 0; i < count; i++) {
			List<byte[]> message = router.receiveMessage(false);
			assertThat(message).isNotNull();
			this.read.add(message);
		}
	}

	private static void record(List<byte[]> message, Map<String, String> said, List<String> gone) {
		assertThat(message).hasSize(2);
		String routingId = HexFormat.of().formatHex(message.get(0));
		if (Arrays.equals(message.get(1), GONE)) {
			assertThat(said).as("a peer told gone after what it said").containsKey(routingId);
			gone.add(routingId);
		}
		else {
			assertThat(gone).as("a peer that said something after it was told gone").doesNotContain(routingId);
			said.put(routingId, text(message.get(1)));
		}
	}

	private ZmqSocket router() {
		ZmqSocket router = this.context.socket(ZmqSocketType.ROUTER);
		router.setReceiveTimeout(5000);
		router.setPeerGoneMessage(GONE);
		router.bind("tcp://127.0.0.1:*");
		return router;
	}

	private ZmqSocket dealer(String id, String endpoint) {
		ZmqSocket dealer = this.context.socket(ZmqSocketType.DEALER);
		dealer.setRoutingId(bytes(id));
		dealer.setLinger(5000);
		dealer.connect(endpoint);
		return dealer;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
