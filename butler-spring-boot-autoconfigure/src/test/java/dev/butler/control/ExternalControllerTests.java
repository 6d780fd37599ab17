package dev.butler.control;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.butler.protocol.ZmqFrames;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.protocol.config.ConfigProtoMapper;
import dev.butler.protocol.iccp.IccpCodec;
import dev.butler.protocol.iccp.IccpMessage;
import dev.butler.service.ButlerService;
import dev.butler.service.ConfigurationRequest;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for a local service under an external ICCP controller, as Saturnin's {@code --iccp} runs
 * one: the test binds the controller's PAIR socket and speaks ICCP itself.
 */
class ExternalControllerTests {

	private static final int PATIENCE_MILLIS = 5000;

	private final String address = TcpAddresses.freeLoopbackAddress();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class));

	@Test
	void serviceWithControlAddressShouldReportReadyToExternalController() {
		runUnderExternalController("butler.services.relay.control-address", (context, controller) -> {
			IccpMessage.Ready ready = receiveReady(controller);
			assertThat(ready.peer().pid()).isEqualTo(ProcessHandle.current().pid());
			assertThat(ready.peer().host()).isNotEmpty();
			ManagedMicroService service = relay(context);
			assertThat(ready.peer()).isEqualTo(service.peer());
			assertThat(ready.endpoints()).containsOnlyKeys("relay");
			assertThat(ready.endpoints().get("relay")).singleElement()
				.asString()
				.startsWith("tcp://127.0.0.1:")
				.doesNotEndWith("*");
			assertThat(ready.endpoints()).isEqualTo(service.endpoints());
			assertThat(service.state()).isEqualTo(State.RUNNING);
			assertThat(service.controlAddress()).isEqualTo(this.address);
		});
	}

	@Test
	void serviceShouldAnswerConfigurationRequestAndStopFromExternalController() {
		runUnderExternalController("butler.services.relay.control-address", (context, controller) -> {
			IccpMessage.Ready ready = receiveReady(controller);
			send(controller, IccpMessage.configure(ConfigProtoMapper.toProto(Map.of("prefix", "#"))));
			assertThat(receive(controller)).isEqualTo(IccpMessage.OK);
			assertThat(relayThrough(ready.endpoints().get("relay").get(0), "hello")).isEqualTo("#hello");
			send(controller, IccpMessage.configure(ConfigProtoMapper.toProto(Map.of("prefix", 42))));
			assertThat(receive(controller))
				.isEqualTo(IccpMessage.error("Option 'prefix' must be a string"));
			send(controller, IccpMessage.STOP);
			assertThat(receive(controller)).isEqualTo(IccpMessage.finished(Outcome.OK));
			ManagedMicroService service = relay(context);
			await().atMost(Duration.ofMillis(PATIENCE_MILLIS)).until(service::state, State.FINISHED::equals);
			assertThat(service.outcome()).isEqualTo(Outcome.OK);
			assertThat(context.getBean(RelayService.class).stops).isEqualTo(1);
		});
	}

	@Test
	void configureFromApplicationWhenServiceHasExternalControllerShouldBeRefused() {
		runUnderExternalController("butler.services.relay.control-address", (context, controller) -> {
			receiveReady(controller);
			ButlerComponent.ConfigurationReply reply = relay(context).configure(Map.of("prefix", "#"));
			assertThat(reply.accepted()).isFalse();
			assertThat(reply.message()).contains("external controller", this.address);
			assertThat(context.getBean(RelayService.class).prefix).isEmpty();
		});
	}

	@Test
	void malformedMessageFromExternalControllerShouldBeAnsweredWithErrorAndTolerated() {
		runUnderExternalController("butler.services.relay.control-address", (context, controller) -> {
			receiveReady(controller);
			controller.send(new byte[] { 0, 9 });
			IccpMessage answer = receive(controller);
			assertThat(answer).isInstanceOf(IccpMessage.Error.class);
			assertThat(((IccpMessage.Error) answer).message()).startsWith("Malformed ICCP message: ")
				.contains("Unknown ICCP message type 9");
			send(controller, IccpMessage.finished(Outcome.OK));
			assertThat(receive(controller))
				.isEqualTo(IccpMessage.error("Unexpected ICCP FINISHED message from the controller"));
			assertThat(relay(context).state()).isEqualTo(State.RUNNING);
			send(controller, IccpMessage.STOP);
			assertThat(receive(controller)).isEqualTo(IccpMessage.finished(Outcome.OK));
		});
	}

	@Test
	void requestOverMaxMessageSizeFromExternalControllerShouldNotReachService() {
		try (ZContext zmq = new ZContext(); ZMQ.Socket controller = bindController(zmq)) {
			this.contextRunner.withUserConfiguration(RelayService.class)
				.withPropertyValues("butler.services.relay.control-address=" + this.address,
						"butler.zmq.max-message-size=64KB")
				.run((context) -> {
					receiveReady(controller);
					send(controller, IccpMessage.configure(ConfigProtoMapper.toProto(Map.of("prefix", "#".repeat(100_000)))));
					controller.setReceiveTimeOut(500);
					assertThat(ZMsg.recvMsg(controller)).as("answer to an oversize REQUEST").isNull();
					assertThat(context.getBean(RelayService.class).prefix).isEmpty();
					assertThat(relay(context).state()).isEqualTo(State.RUNNING);
				});
		}
	}

	@Test
	void requestWithinMaxMessageSizeFromExternalControllerShouldReachService() {
		try (ZContext zmq = new ZContext(); ZMQ.Socket controller = bindController(zmq)) {
			this.contextRunner.withUserConfiguration(RelayService.class)
				.withPropertyValues("butler.services.relay.control-address=" + this.address,
						"butler.zmq.max-message-size=256KB")
				.run((context) -> {
					receiveReady(controller);
					send(controller, IccpMessage.configure(ConfigProtoMapper.toProto(Map.of("prefix", "#".repeat(100_000)))));
					assertThat(receive(controller)).isEqualTo(IccpMessage.OK);
					assertThat(context.getBean(RelayService.class).prefix).hasSize(100_000);
					send(controller, IccpMessage.STOP);
					assertThat(receive(controller)).isEqualTo(IccpMessage.finished(Outcome.OK));
				});
		}
	}

	@Test
	void closeOfContextShouldReportFinishedToExternalController() {
		try (ZContext zmq = new ZContext(); ZMQ.Socket controller = bindController(zmq)) {
			this.contextRunner.withUserConfiguration(RelayService.class)
				.withPropertyValues("butler.services.relay.control-address=" + this.address)
				.run((context) -> receiveReady(controller));
			assertThat(receive(controller)).isEqualTo(IccpMessage.finished(Outcome.OK));
		}
	}

	@Test
	void controlAddressOfApplicationShouldApplyToItsOnlyService() {
		runUnderExternalController("butler.control.address", (context, controller) -> {
			IccpMessage.Ready ready = receiveReady(controller);
			assertThat(ready.peer()).isEqualTo(relay(context).peer());
			send(controller, IccpMessage.STOP);
			assertThat(receive(controller)).isEqualTo(IccpMessage.finished(Outcome.OK));
		});
	}

	@Test
	void controlAddressOfApplicationWithTwoServicesShouldFailStartup() {
		this.contextRunner.withUserConfiguration(RelayService.class, OtherService.class)
			.withPropertyValues("butler.control.address=" + this.address)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("butler.control.address")
				.hasMessageContaining("exactly one Butler service")
				.hasMessageContaining("relay")
				.hasMessageContaining("other")
				.hasMessageContaining("butler.services.<id>.control-address"));
	}

	private void runUnderExternalController(String property, ControllerAssertions assertions) {
		try (ZContext zmq = new ZContext(); ZMQ.Socket controller = bindController(zmq)) {
			this.contextRunner.withUserConfiguration(RelayService.class)
				.withPropertyValues(property + "=" + this.address)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertions.accept(context, controller);
				});
		}
	}

	private ZMQ.Socket bindController(ZContext zmq) {
		ZMQ.Socket controller = zmq.createSocket(SocketType.PAIR);
		controller.setLinger(0);
		controller.setReceiveTimeOut(PATIENCE_MILLIS);
		controller.setSendTimeOut(PATIENCE_MILLIS);
		controller.bind(this.address);
		return controller;
	}

	private static IccpMessage.Ready receiveReady(ZMQ.Socket controller) {
		IccpMessage message = receive(controller);
		assertThat(message).isInstanceOf(IccpMessage.Ready.class);
		return (IccpMessage.Ready) message;
	}

	private static IccpMessage receive(ZMQ.Socket controller) {
		ZMsg message = ZMsg.recvMsg(controller);
		assertThat(message).as("ICCP message from the service").isNotNull();
		return IccpCodec.decode(ZmqFrames.of(message));
	}

	private static void send(ZMQ.Socket controller, IccpMessage message) {
		assertThat(ZmqFrames.toZMsg(IccpCodec.encode(message)).send(controller)).as("ICCP %s sent", message.type()).isTrue();
	}

	private static String relayThrough(String address, String text) {
		try (ZContext zmq = new ZContext(); ZMQ.Socket client = zmq.createSocket(SocketType.DEALER)) {
			client.setReceiveTimeOut(PATIENCE_MILLIS);
			client.setHandshakeIvl(1000);
			client.connect(address);
			client.send(text);
			return client.recvStr();
		}
	}

	private static ManagedMicroService relay(AssertableApplicationContext context) {
		return context.getBean("butlerService.relay", ManagedMicroService.class);
	}

	@FunctionalInterface
	interface ControllerAssertions {

		void accept(AssertableApplicationContext context, ZMQ.Socket controller) throws Exception;

	}

	@ButlerService("relay")
	static class RelayService implements MicroService<Void> {

		volatile String prefix = "";

		volatile int stops;

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.createChannel("relay", ZmqSocketType.ROUTER, (channel, message) -> {
				List<byte[]> reply = new ArrayList<>(message);
				String text = new String(message.get(message.size() - 1), StandardCharsets.UTF_8);
				reply.set(reply.size() - 1, (this.prefix + text).getBytes(StandardCharsets.UTF_8));
				channel.send(reply);
			});
			context.addEndpoint("relay", "tcp://127.0.0.1:*");
		}

		@Override
		public void stopActivities() {
			this.stops++;
		}

		@Override
		public void handleConfigRequest(ConfigurationRequest request) {
			if (!(request.options().get("prefix") instanceof String text)) {
				throw new IllegalArgumentException("Option 'prefix' must be a string");
			}
			this.prefix = text;
		}

	}

	@ButlerService("other")
	static class OtherService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
		}

	}

}
