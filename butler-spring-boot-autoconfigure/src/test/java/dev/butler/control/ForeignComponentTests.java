package dev.butler.control;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;

import dev.butler.actuate.endpoint.ButlerEndpoint;
import dev.butler.actuate.endpoint.ButlerEndpoint.ControlAction;
import dev.butler.actuate.endpoint.ButlerEndpoint.ControlResult;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.State;
import dev.butler.protocol.iccp.IccpMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ForeignComponent}: a component in another process, played here by a raw PAIR
 * socket, that connects to the controller over tcp loopback and is driven with real ICCP messages.
 */
@ExtendWith(OutputCaptureExtension.class)
class ForeignComponentTests {

	private static final PeerDescriptor PEER = new PeerDescriptor(
			UUID.fromString("4a6ba2c0-3d1e-11ef-9f3c-0242ac120002"), 4242, "elsewhere");

	private static final Map<String, List<String>> ENDPOINTS = Map.of("data", List.of("tcp://127.0.0.1:5999"));

	private static final Duration QUIET = Duration.ofMillis(200);

	private static final Duration PATIENCE = Duration.ofSeconds(5);

	private static final int EIGHT_MB = 8 * 1024 * 1024;

	private static final int FOUR_MB = 4 * 1024 * 1024;

	/** Far more than a whole component descriptor needs once what a component reports is capped. */
	private static final int SMALL_JSON = 64 * 1024;

	private final String address = TcpAddresses.freeLoopbackAddress();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class))
		.withPropertyValues("butler.components.ext.address=" + this.address,
				"butler.components.ext.warm-up-timeout=5s", "butler.components.ext.stop-timeout=2s");

	private FakeForeignComponent fake;

	@AfterEach
	void closeFake() throws InterruptedException {
		if (this.fake != null) {
			this.fake.close();
		}
	}

	@Test
	void startShouldWaitForReadyAndTakePeerAndEndpointsFromIt() {
		this.fake = readyComponent();
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			ForeignComponent component = context.getBean("butlerComponent.ext", ForeignComponent.class);
			assertThat(component.kind()).isEqualTo(ButlerComponent.Kind.FOREIGN);
			assertThat(component.state()).isEqualTo(State.RUNNING);
			assertThat(component.isRunning()).isTrue();
			assertThat(component.peer()).isEqualTo(PEER);
			assertThat(component.endpoints()).isEqualTo(ENDPOINTS);
			assertThat(component.controlAddress()).isEqualTo(this.address);
			assertThat(context.getBean(ButlerComponents.class).find("ext")).containsSame(component);
		});
	}

	@Test
	void stopShouldSendStopAndTakeOutcomeAndDetailsFromFinished() {
		this.fake = readyComponent().answering(finishOnStop("bye"));
		this.contextRunner.run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			component.stop();
			assertThat(this.fake.receiveMessage(PATIENCE)).isEqualTo(IccpMessage.STOP);
			assertThat(component.state()).isEqualTo(State.FINISHED);
			assertThat(component.outcome()).isEqualTo(Outcome.OK);
			assertThat(component.details()).containsExactly("bye");
			assertThat(component.isRunning()).isFalse();
		});
	}

	@Test
	void closeOfContextShouldStopComponent() {
		this.fake = readyComponent().answering(finishOnStop("bye"));
		ForeignComponent[] component = new ForeignComponent[1];
		this.contextRunner.run((context) -> component[0] = context.getBean(ForeignComponent.class));
		assertThat(component[0].state()).isEqualTo(State.FINISHED);
		assertThat(component[0].outcome()).isEqualTo(Outcome.OK);
	}

	@Test
	void stopWhenComponentNeverFinishesShouldAbortAfterStopTimeout() {
		this.fake = readyComponent();
		this.contextRunner.withPropertyValues("butler.components.ext.stop-timeout=300ms").run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			long started = System.nanoTime();
			component.stop();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
			assertThat(component.state()).isEqualTo(State.ABORTED);
			assertThat(component.outcome()).isEqualTo(Outcome.ERROR);
			assertThat(component.details()).containsExactly("No FINISHED within 300 ms of STOP");
		});
	}

	@Test
	void stopWhenComponentIsGoneShouldAbortAtOnce() throws InterruptedException {
		this.fake = readyComponent();
		this.contextRunner.withPropertyValues("butler.components.ext.stop-timeout=5s").run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			this.fake.close();
			this.fake = null;
			Thread.sleep(200);
			long started = System.nanoTime();
			component.stop();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
			assertThat(component.state()).isEqualTo(State.ABORTED);
			assertThat(component.outcome()).isEqualTo(Outcome.ERROR);
			assertThat(component.details())
				.containsExactly("Component 'ext' is not connected to its control channel");
		});
	}

	@Test
	void startWhenComponentNeverSaysReadyShouldFailWithinWarmUpTimeout() {
		this.contextRunner.withPropertyValues("butler.components.ext.warm-up-timeout=300ms").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure()
				.hasMessageContaining("butlerComponent.ext")
				.cause()
				.isInstanceOf(ComponentControlException.class)
				.hasMessage("Foreign component 'ext' did not report READY on " + this.address
						+ " (property 'butler.components.ext.address') within 300 ms"
						+ " (property 'butler.components.ext.warm-up-timeout')");
		});
	}

	@Test
	void startWhenOptionalComponentNeverSaysReadyShouldAbortItAndKeepRunning() {
		this.contextRunner
			.withPropertyValues("butler.components.ext.warm-up-timeout=300ms", "butler.components.ext.optional=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ForeignComponent component = context.getBean(ForeignComponent.class);
				assertThat(component.state()).isEqualTo(State.ABORTED);
				assertThat(component.outcome()).isEqualTo(Outcome.ERROR);
				assertThat(component.details()).singleElement()
					.asString()
					.contains("did not report READY", "within 300 ms");
				assertThat(component.isRunning()).isFalse();
			});
	}

	@Test
	void startWhenAddressIsTakenShouldFailNamingAddressAndReason() throws IOException {
		int port = Integer.parseInt(this.address.substring(this.address.lastIndexOf(':') + 1));
		try (ServerSocket squatter = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			this.contextRunner.run((context) -> assertThat(context).getFailure()
				.cause()
				.isInstanceOf(ComponentControlException.class)
				.hasMessage("Control channel of 'ext' cannot bind " + this.address
						+ " (property 'butler.components.ext.address'): the address is already in use"));
		}
	}

	@Test
	void startWhenComponentFailsToWarmUpShouldFailWithItsError() {
		this.fake = FakeForeignComponent.connectTo(this.address);
		this.fake.send(IccpMessage.error("Cannot open database"));
		this.contextRunner.run((context) -> assertThat(context).getFailure()
			.cause()
			.isInstanceOf(ComponentControlException.class)
			.hasMessage("Component 'ext' failed to warm up: Cannot open database"));
	}

	@Test
	void messageWithShortTypeFrameShouldBeReportedAndTolerated() {
		malformedMessageShouldBeReportedAndTolerated(new byte[] { 0, 1, 2 }, "type frame must have 2 bytes, got 3");
	}

	@Test
	void messageOfUnknownTypeShouldBeReportedAndTolerated() {
		malformedMessageShouldBeReportedAndTolerated(new byte[] { 0, 9 }, "Unknown ICCP message type 9");
	}

	private void malformedMessageShouldBeReportedAndTolerated(byte[] typeFrame, String problem) {
		this.fake = readyComponent().answering(finishOnStop("bye"));
		this.contextRunner.run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			this.fake.sendFrames(typeFrame);
			await().atMost(PATIENCE)
				.untilAsserted(() -> assertThat(component.details()).singleElement()
					.asString()
					.startsWith("Malformed ICCP message: ")
					.contains(problem));
			assertThat(context).hasNotFailed();
			assertThat(component.state()).isEqualTo(State.RUNNING);
			assertThat(component.outcome()).isEqualTo(Outcome.UNKNOWN);
			component.stop();
			assertThat(component.state()).isEqualTo(State.FINISHED);
			assertThat(component.outcome()).isEqualTo(Outcome.OK);
			assertThat(component.details()).containsExactly("bye");
		});
	}

	@Test
	void secondReadyShouldBeReportedAsMalformedAndTolerated() {
		this.fake = readyComponent().answering(finishOnStop("bye"));
		this.contextRunner.run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			this.fake.send(IccpMessage.ready(PEER, Map.of()));
			await().atMost(PATIENCE)
				.untilAsserted(() -> assertThat(component.details()).singleElement()
					.asString()
					.contains("Unexpected ICCP READY"));
			assertThat(component.state()).isEqualTo(State.RUNNING);
			assertThat(component.endpoints()).isEqualTo(ENDPOINTS);
			component.stop();
			assertThat(component.state()).isEqualTo(State.FINISHED);
		});
	}

	@Test
	void finishedSentByComponentOnItsOwnShouldFinishIt() {
		this.fake = readyComponent();
		this.contextRunner.run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			this.fake.send(IccpMessage.finished(Outcome.ERROR, "Input pipe closed", "by peer"));
			await().atMost(PATIENCE).until(component::state, State.FINISHED::equals);
			assertThat(component.outcome()).isEqualTo(Outcome.ERROR);
			assertThat(component.details()).containsExactly("Input pipe closed", "by peer");
			assertThat(component.isRunning()).isFalse();
		});
	}

	@Test
	void errorSentByComponentOnItsOwnShouldAbortIt() {
		this.fake = readyComponent();
		this.contextRunner.run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			this.fake.send(IccpMessage.error("Disk full"));
			await().atMost(PATIENCE).until(component::state, State.ABORTED::equals);
			assertThat(component.outcome()).isEqualTo(Outcome.ERROR);
			assertThat(component.details()).containsExactly("Disk full");
			assertThat(context).hasNotFailed();
		});
	}

	@Test
	void configureWhenComponentIsNotConfigurableShouldRefuseWithoutSendingAnything() {
		this.fake = readyComponent().answering((request) -> IccpMessage.OK);
		this.contextRunner.run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			ButlerComponent.ConfigurationReply reply = component.configure(Map.of("batch_size", 10));
			assertThat(reply.accepted()).isFalse();
			assertThat(reply.message()).contains("does not support run-time configuration");
			assertThat(this.fake.receive(QUIET)).isNull();
		});
	}

	@Test
	void configureWhenComponentIsConfigurableShouldSendConfRequest() {
		this.fake = readyComponent().answering((request) -> IccpMessage.OK);
		this.contextRunner.withPropertyValues("butler.components.ext.configurable=true").run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			ButlerComponent.ConfigurationReply reply = component.configure(Map.of("batch_size", 10));
			assertThat(reply).isEqualTo(new ButlerComponent.ConfigurationReply(true, "OK"));
			IccpMessage request = this.fake.receiveMessage(PATIENCE);
			assertThat(request).isInstanceOf(IccpMessage.Request.class);
			assertThat(((IccpMessage.Request) request).config().getOptionsMap()).containsKey("batch_size");
		});
	}

	@Test
	void configureWhenComponentAnswersErrorShouldRefuseWithItsMessage() {
		this.fake = readyComponent().answering((request) -> IccpMessage.error("Option 'batch_size' is read-only"));
		this.contextRunner.withPropertyValues("butler.components.ext.configurable=true").run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			assertThat(component.configure(Map.of("batch_size", 10)))
				.isEqualTo(new ButlerComponent.ConfigurationReply(false, "Option 'batch_size' is read-only"));
			assertThat(component.state()).isEqualTo(State.RUNNING);
		});
	}

	@Test
	void restartShouldStopComponentAndWaitForItsNextReady() {
		Map<String, List<String>> newEndpoints = Map.of("data", List.of("tcp://127.0.0.1:6000"));
		this.fake = readyComponent().answering((request) -> {
			if (request instanceof IccpMessage.Stop) {
				// the component comes back a little later, as a restarted process would
				CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS)
					.execute(() -> this.fake.send(IccpMessage.ready(PEER, newEndpoints)));
				return IccpMessage.finished(Outcome.OK, "bye");
			}
			return null;
		});
		this.contextRunner.run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			component.restart();
			assertThat(component.state()).isEqualTo(State.RUNNING);
			assertThat(component.endpoints()).isEqualTo(newEndpoints);
			assertThat(component.outcome()).isEqualTo(Outcome.UNKNOWN);
		});
	}

	@Test
	void stopAnsweredPromptlyWithFinishedOkShouldReportFinishedThroughEndpoint() {
		this.fake = readyComponent().answering(finishOnStop());
		this.contextRunner.withPropertyValues("butler.components.ext.stop-timeout=10s").run((context) -> {
			ButlerEndpoint endpoint = new ButlerEndpoint(context.getBean(ButlerComponents.class), Clock.systemUTC());
			long started = System.nanoTime();
			ControlResult result = endpoint.control("ext", ControlAction.STOP, null);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PATIENCE);
			assertThat(result.success()).isTrue();
			assertThat(result.state()).isEqualTo(State.FINISHED);
			assertThat(result.outcome()).isEqualTo(Outcome.OK);
			assertThat(result.details()).isEmpty();
			assertThat(this.fake.receiveMessage(PATIENCE)).isEqualTo(IccpMessage.STOP);
		});
	}

	@Test
	void stopAnsweredWithMalformedMessageShouldAbortAtOnceSayingWhatWasWrong() {
		// FINISHED without its outcome frame
		this.fake = readyComponent().answeringFrames(
				(request) -> (request instanceof IccpMessage.Stop) ? List.<byte[]>of(new byte[] { 0, 6 }) : null);
		this.contextRunner.withPropertyValues("butler.components.ext.stop-timeout=10s").run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			long started = System.nanoTime();
			component.stop();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PATIENCE);
			assertThat(component.state()).isEqualTo(State.ABORTED);
			assertThat(component.outcome()).isEqualTo(Outcome.ERROR);
			assertThat(component.details()).containsExactly(
					"Malformed ICCP answer to STOP: ICCP FINISHED needs at least 2 frames (type, outcome), got 1");
			assertThat(component.statistics().errors()).isEqualTo(1);
		});
	}

	@Test
	void stopAnsweredWithOkShouldAbortAtOnceAsWrongAnswer() {
		this.fake = readyComponent().answering((request) -> IccpMessage.OK);
		this.contextRunner.withPropertyValues("butler.components.ext.stop-timeout=10s").run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			long started = System.nanoTime();
			component.stop();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PATIENCE);
			assertThat(component.state()).isEqualTo(State.ABORTED);
			assertThat(component.details()).containsExactly("Malformed ICCP answer to STOP: Unexpected ICCP OK "
					+ "from 'ext': the answer to STOP is FINISHED or ERROR");
		});
	}

	@Test
	void finishedSentOnItsOwnWhileStopIsUnderwayShouldBeReportedAsFinished() {
		this.fake = readyComponent();
		this.contextRunner.withPropertyValues("butler.components.ext.stop-timeout=10s").run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			this.fake.send(IccpMessage.finished(Outcome.ERROR, "Input pipe closed"));
			long started = System.nanoTime();
			component.stop();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PATIENCE);
			assertThat(component.state()).isEqualTo(State.FINISHED);
			assertThat(component.outcome()).isEqualTo(Outcome.ERROR);
			assertThat(component.details()).containsExactly("Input pipe closed");
		});
	}

	@Test
	void finishedWithHugeDetailShouldBeStoredTruncated() {
		String huge = "x".repeat(EIGHT_MB);
		this.fake = readyComponent().answering(finishOnStop(huge, "second line"));
		this.contextRunner.run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			component.stop();
			assertThat(component.state()).isEqualTo(State.FINISHED);
			assertThat(component.details()).hasSize(2);
			assertThat(component.details().get(0)).hasSizeLessThan(StoredText.MAX_CHARS + 40)
				.startsWith("xxxx")
				.endsWith("… (truncated, 8388608 bytes)");
			assertThat(component.details().get(1)).isEqualTo("second line");
			assertThat(endpointJson(context)).hasSizeLessThan(SMALL_JSON);
		});
	}

	@Test
	void finishedWithManyDetailLinesShouldKeepTheFirstAndCountTheRest() {
		String[] lines = new String[50_000];
		for (int i = 0; i < lines.length; i++) {
			lines[i] = "line " + i;
		}
		this.fake = readyComponent().answering(finishOnStop(lines));
		this.contextRunner.run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			component.stop();
			assertThat(component.state()).isEqualTo(State.FINISHED);
			assertThat(component.details()).hasSize(StoredText.MAX_ITEMS + 1).startsWith("line 0", "line 1");
			assertThat(component.details().get(StoredText.MAX_ITEMS))
				.isEqualTo("… (truncated, " + (lines.length - StoredText.MAX_ITEMS) + " more lines)");
			assertThat(endpointJson(context)).hasSizeLessThan(SMALL_JSON);
		});
	}

	@Test
	void readyWithHugeHostAndEndpointsShouldBeStoredTruncated() {
		PeerDescriptor hugeHost = new PeerDescriptor(PEER.uid(), PEER.pid(), "h".repeat(FOUR_MB));
		Map<String, List<String>> endpoints = new LinkedHashMap<>();
		String hugeAddress = "tcp://" + "a".repeat(FOUR_MB) + ":5999";
		endpoints.put("data", List.of(hugeAddress, "tcp://127.0.0.1:6000"));
		this.fake = FakeForeignComponent.connectTo(this.address);
		this.fake.send(IccpMessage.ready(hugeHost, endpoints));
		this.contextRunner.run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			assertThat(component.state()).isEqualTo(State.RUNNING);
			assertThat(component.peer().uid()).isEqualTo(PEER.uid());
			assertThat(component.peer().host()).hasSizeLessThan(StoredText.MAX_CHARS + 40)
				.endsWith("… (truncated, 4194304 bytes)");
			assertThat(component.endpoints().get("data")).hasSize(2);
			assertThat(component.endpoints().get("data").get(0)).endsWith("… (truncated, " + hugeAddress.length() + " bytes)");
			assertThat(component.endpoints().get("data").get(1)).isEqualTo("tcp://127.0.0.1:6000");
			assertThat(endpointJson(context)).hasSizeLessThan(SMALL_JSON);
		});
	}

	@Test
	void malformedMessageWithHugeFrameShouldBeReportedBriefly() {
		this.fake = readyComponent();
		this.contextRunner.run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			byte[] outcome = new byte[EIGHT_MB];
			this.fake.sendFrames(new byte[] { 0, 6 }, outcome);
			await().atMost(PATIENCE)
				.untilAsserted(() -> assertThat(component.details()).singleElement()
					.asString()
					.startsWith("Malformed ICCP message: Invalid ICCP FINISHED outcome 0x0000")
					.contains("… (8388608 bytes)")
					.hasSizeLessThan(1024));
		});
	}

	@Test
	void finishedOverMaxMessageSizeShouldBeRefusedAndTheStopTimeoutShouldSaySo(CapturedOutput output) {
		this.fake = readyComponent().answering(finishOnStop("y".repeat(2 * 1024 * 1024)));
		this.contextRunner
			.withPropertyValues("butler.zmq.max-message-size=1MB", "butler.components.ext.stop-timeout=1s")
			.run((context) -> {
				ForeignComponent component = context.getBean(ForeignComponent.class);
				component.stop();
				assertThat(component.state()).isEqualTo(State.ABORTED);
				assertThat(component.outcome()).isEqualTo(Outcome.ERROR);
				assertThat(component.details()).containsExactly("No FINISHED within 1000 ms of STOP; its connection "
						+ "to the control channel dropped meanwhile, as ZeroMQ does when a frame is over the maximum "
						+ "message size (1 MB, butler.zmq.max-message-size)");
				assertThat(output).contains("The connection of component 'ext' to its control channel " + this.address
						+ " dropped: the component closed it, or it sent a frame larger than the maximum message size "
						+ "(1 MB, butler.zmq.max-message-size)");
			});
	}

	@Test
	void readyOverMaxMessageSizeShouldBeRefusedAndTheWarmUpTimeoutShouldSaySo() {
		this.fake = FakeForeignComponent.connectTo(this.address);
		this.fake.send(IccpMessage.ready(new PeerDescriptor(PEER.uid(), PEER.pid(), "h".repeat(FOUR_MB)), ENDPOINTS));
		this.contextRunner
			.withPropertyValues("butler.zmq.max-message-size=1MB", "butler.components.ext.warm-up-timeout=1s")
			.run((context) -> assertThat(context).getFailure()
				.cause()
				.isInstanceOf(ComponentControlException.class)
				.hasMessage("Foreign component 'ext' did not report READY on " + this.address
						+ " (property 'butler.components.ext.address') within 1000 ms"
						+ " (property 'butler.components.ext.warm-up-timeout'); "
						+ "its connection to the control channel dropped meanwhile, as ZeroMQ does when a frame is "
						+ "over the maximum message size (1 MB, butler.zmq.max-message-size)"));
	}

	@Test
	void componentThatFinishedAndLeftShouldNotBeReportedAsDropped(CapturedOutput output) {
		this.fake = readyComponent().answering(finishOnStop("bye"));
		this.contextRunner.run((context) -> {
			ForeignComponent component = context.getBean(ForeignComponent.class);
			component.stop();
			this.fake.close();
			this.fake = null;
			Thread.sleep(QUIET.toMillis());
			assertThat(component.state()).isEqualTo(State.FINISHED);
		});
		assertThat(output).doesNotContain("dropped");
	}

	private static String endpointJson(ApplicationContext context) {
		ButlerEndpoint endpoint = new ButlerEndpoint(context.getBean(ButlerComponents.class), Clock.systemUTC());
		return JsonMapper.builder().build().writeValueAsString(endpoint.components());
	}

	private FakeForeignComponent readyComponent() {
		FakeForeignComponent component = FakeForeignComponent.connectTo(this.address);
		component.send(IccpMessage.ready(PEER, ENDPOINTS));
		return component;
	}

	private static Function<IccpMessage, IccpMessage> finishOnStop(String... details) {
		return (request) -> (request instanceof IccpMessage.Stop) ? IccpMessage.finished(Outcome.OK, details) : null;
	}

}
