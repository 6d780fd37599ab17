package dev.butler.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.iccp.IccpCodec;
import dev.butler.protocol.iccp.IccpMessage;
import dev.butler.runtime.ButlerThreads;
import dev.butler.runtime.EndpointAddressException;
import dev.butler.zeromq.JeroMqEngine;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ButlerController}: control sockets bound on the controller's thread, watched by
 * one selector as they come and go, and driven with real ICCP messages. The test thread plays the
 * components, over inproc sockets of the controller's ZeroMQ context.
 */
class ButlerControllerTests {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private final ZmqContext zmq = JeroMqEngine.INSTANCE.newContext(1);

	private final ButlerThreads threads = new ButlerThreads();

	private final ButlerController controller = new ButlerController(this.zmq, this.threads);

	private final List<ZmqSocket> components = new ArrayList<>();

	@AfterEach
	void close() {
		this.components.forEach(ZmqSocket::close);
		this.controller.close();
		this.threads.close();
		this.zmq.close();
	}

	@Test
	void openInprocShouldTakeTheReadyOfAComponentThatSentItBeforeTheSocketWasBound() throws Exception {
		String address = newAddress();
		ZmqSocket component = connect(address);
		PeerDescriptor peer = PeerDescriptor.forThisProcess();
		send(component, new IccpMessage.Ready(peer, Map.of()));
		ControlConnection connection = this.controller.openInproc("early", address, new ControlListener() {
		});
		assertThat(connection.address()).isEqualTo(address);
		assertThat(connection.ready().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS).peer()).isEqualTo(peer);
		assertStopIsAnswered(connection, component);
	}

	@Test
	void openInprocWhenTheAddressIsTakenShouldFailReadyNamingTheAddress() {
		String address = newAddress();
		ZmqSocket squatter = this.zmq.socket(ZmqSocketType.PAIR);
		this.components.add(squatter);
		squatter.bind(address);
		ControlConnection connection = this.controller.openInproc("late", address, new ControlListener() {
		});
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> connection.ready().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
			.havingCause()
			.isInstanceOf(EndpointAddressException.class)
			.withMessageContaining("Control channel of 'late' cannot bind")
			.withMessageContaining(address);
	}

	@Test
	void connectionsClosedWhileOthersRunShouldLeaveTheOthersServed() throws Exception {
		List<ControlConnection> connections = new ArrayList<>();
		List<ZmqSocket> sockets = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			String address = newAddress();
			ControlConnection connection = this.controller.openInproc("component-" + i, address,
					new ControlListener() {
					});
			ZmqSocket component = connect(address);
			send(component, new IccpMessage.Ready(PeerDescriptor.forThisProcess(), Map.of()));
			connection.ready().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
			connections.add(connection);
			sockets.add(component);
		}
		for (int i = 0; i < connections.size(); i += 2) {
			connections.get(i).close();
		}
		String address = newAddress();
		ControlConnection late = this.controller.openInproc("late", address, new ControlListener() {
		});
		ZmqSocket lateComponent = connect(address);
		send(lateComponent, new IccpMessage.Ready(PeerDescriptor.forThisProcess(), Map.of()));
		late.ready().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
		for (int i = 1; i < connections.size(); i += 2) {
			assertStopIsAnswered(connections.get(i), sockets.get(i));
		}
		assertStopIsAnswered(late, lateComponent);
		assertThat(connections.get(0).request(IccpMessage.STOP, PATIENCE))
			.failsWithin(PATIENCE)
			.withThrowableThat()
			.withMessageContaining("The control channel of 'component-0' is closed");
	}

	@Test
	void requestNotAnsweredInTimeShouldFailWithATimeoutOffTheControllerThread() throws Exception {
		String address = newAddress();
		ControlConnection connection = this.controller.openInproc("silent", address, new ControlListener() {
		});
		ZmqSocket component = connect(address);
		send(component, new IccpMessage.Ready(PeerDescriptor.forThisProcess(), Map.of()));
		connection.ready().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
		CompletableFuture<String> failedOn = new CompletableFuture<>();
		long started = System.nanoTime();
		connection.request(IccpMessage.STOP, Duration.ofMillis(200))
			.whenComplete((answer, failure) -> failedOn.complete((failure instanceof TimeoutException)
					? Thread.currentThread().getName() : "not a timeout: " + failure));
		assertThat(failedOn.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isNotEqualTo("butler-controller")
			.doesNotStartWith("not a timeout");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
		assertThat(IccpCodec.decode(component.receiveMessage(false))).isEqualTo(IccpMessage.STOP);
	}

	@Test
	void orTimeoutShouldLeaveAFutureThatCompletesInTimeAlone() throws Exception {
		CompletableFuture<String> quick = new CompletableFuture<>();
		CompletableFuture<String> slow = new CompletableFuture<>();
		this.controller.orTimeout(quick, Duration.ofMillis(100));
		this.controller.orTimeout(slow, Duration.ofMillis(100));
		quick.complete("done");
		assertThat(slow).failsWithin(PATIENCE).withThrowableThat().havingCause().isInstanceOf(TimeoutException.class);
		assertThat(quick).isCompletedWithValue("done");
	}

	@Test
	void orTimeoutAfterTheControllerClosedShouldStillTimeOut() {
		this.controller.close();
		CompletableFuture<String> future = new CompletableFuture<>();
		this.controller.orTimeout(future, Duration.ofMillis(50));
		assertThat(future).failsWithin(PATIENCE).withThrowableThat().havingCause().isInstanceOf(TimeoutException.class);
	}

	/**
	 * Send STOP through the connection, answer it from the component with FINISHED and check the
	 * answer arrives.
	 */
	private void assertStopIsAnswered(ControlConnection connection, ZmqSocket component) throws Exception {
		CompletableFuture<IccpMessage> answer = connection.request(IccpMessage.STOP, PATIENCE);
		List<byte[]> stop = component.receiveMessage(false);
		assertThat(stop).as("STOP").isNotNull();
		assertThat(IccpCodec.decode(stop)).isEqualTo(IccpMessage.STOP);
		send(component, new IccpMessage.Finished(Outcome.OK, List.of()));
		assertThat(answer.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
			.isEqualTo(new IccpMessage.Finished(Outcome.OK, List.of()));
	}

	private ZmqSocket connect(String address) {
		ZmqSocket component = this.zmq.socket(ZmqSocketType.PAIR);
		this.components.add(component);
		component.setLinger(0);
		component.setReceiveTimeout((int) PATIENCE.toMillis());
		component.connect(address);
		return component;
	}

	private static void send(ZmqSocket component, IccpMessage message) {
		assertThat(component.sendMessage(IccpCodec.encode(message), false)).isTrue();
	}

	private static String newAddress() {
		return "inproc://butler-control-test/" + UUID.randomUUID();
	}

}
