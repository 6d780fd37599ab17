package dev.butler.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ButlerController;
import dev.butler.control.ManagedMicroService;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.protocol.Uuids;
import dev.butler.protocol.VendorUids;
import dev.butler.runtime.BoundConfiguration;
import dev.butler.runtime.ChannelSocketCustomizer;
import dev.butler.runtime.ServiceConfigBinder;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;
import dev.butler.runtime.IpcPolicy;
import dev.butler.runtime.ServiceRuntime;
import dev.butler.zeromq.JeroMqEngine;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqEngines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ButlerAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class));

	@Test
	void runWithServiceBeanShouldServeItUntilContextCloses() {
		ManagedMicroService[] managed = new ManagedMicroService[1];
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withPropertyValues("butler.services.echo.prefix=>")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ButlerController.class);
				ManagedMicroService service = context.getBean("butlerService.echo", ManagedMicroService.class);
				managed[0] = service;
				assertThat(service.state()).isEqualTo(State.RUNNING);
				assertThat(service.agent().name()).isEqualTo("test.echo");
				String address = service.endpoints().get("echo").get(0);
				assertThat(address).startsWith("tcp://127.0.0.1:").doesNotEndWith("*");
				assertThat(request(address, "hello")).isEqualTo(">hello");
				EchoService echo = context.getBean(EchoService.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> echo.ticks.get() >= 2);
				assertThat(echo.tickThread).isSameAs(echo.loopThread);
				assertThat(echo.tickThread.getName()).isEqualTo("butler-echo");
				assertThat(context.getBean(ButlerComponents.class).find("echo")).containsSame((ButlerComponent) service);
			});
		assertThat(managed[0].state()).isEqualTo(State.FINISHED);
		assertThat(managed[0].outcome()).isEqualTo(Outcome.OK);
	}

	@Test
	void runWithoutServicesShouldProvideInfrastructureOnly() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ZmqContext.class)
			.hasSingleBean(ButlerController.class)
			.hasSingleBean(ButlerComponents.class)
			.hasBean(ButlerAutoConfiguration.TASK_SCHEDULER_BEAN_NAME)
			.doesNotHaveBean(ManagedMicroService.class));
	}

	@Test
	void runWhenDisabledShouldNotRunServices() {
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withPropertyValues("butler.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ButlerController.class)
				.doesNotHaveBean(ManagedMicroService.class));
	}

	@Test
	void runWithoutAnEngineSetShouldUseJeroMqWhereNoNativeEngineIsUsable() {
		this.contextRunner.run((context) -> {
			ZmqContext zmq = context.getBean(ZmqContext.class);
			assertThat(zmq.engine().name()).isEqualTo(ZmqEngines.JEROMQ);
			assertThat(context.getBean(ServiceRuntime.class).ipc()).isEqualTo(IpcPolicy.REJECT);
		});
	}

	@Test
	void runWithAnUnknownEngineShouldFailNamingThePropertyAndTheUsableEngines() {
		this.contextRunner.withPropertyValues("butler.zmq.engine=zeromq")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("butler.zmq.engine")
				.hasMessageContaining("No usable ZeroMQ engine 'zeromq'; usable here: auto, jeromq"));
	}

	@Test
	void runWithNativeIpcOnJeroMqShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("butler.zmq.engine=jeromq", "butler.zmq.ipc=native")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("butler.zmq.ipc")
				.hasMessageContaining("needs an engine with Unix domain sockets"));
	}

	@Test
	void runWithUserZmqContextShouldUseIt() {
		ZmqContext userContext = JeroMqEngine.INSTANCE.newContext(1);
		try {
			this.contextRunner.withBean("myZmqContext", ZmqContext.class, () -> userContext)
				.run((context) -> assertThat(context).getBean(ZmqContext.class).isSameAs(userContext));
		}
		finally {
			userContext.close();
		}
	}

	@Test
	void runWithUserConfigBinderShouldUseIt() {
		ServiceConfigBinder binder = (definition) -> new BoundConfiguration(
				new EchoService.Config("tcp://127.0.0.1:*", Duration.ofSeconds(1), "user:"), Map.of());
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withBean(ServiceConfigBinder.class, () -> binder)
			.run((context) -> {
				assertThat(context).getBean(ServiceConfigBinder.class).isSameAs(binder);
				assertThat(context.getBean(EchoService.class).prefix).isEqualTo("user:");
			});
	}

	@Test
	void runWithUserSchedulerShouldUseIt() {
		this.contextRunner.withBean(ButlerAutoConfiguration.TASK_SCHEDULER_BEAN_NAME, ThreadPoolTaskScheduler.class,
				ThreadPoolTaskScheduler::new)
			.run((context) -> assertThat(context).getBean(ButlerAutoConfiguration.TASK_SCHEDULER_BEAN_NAME)
				.isInstanceOf(ThreadPoolTaskScheduler.class)
				.extracting("threadNamePrefix")
				.isNotEqualTo("butler-scheduler-"));
	}

	@Test
	void runShouldBindServiceConfigurationWithRelaxedNames() {
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withPropertyValues("butler.services.echo.PREFIX=relaxed")
			.run((context) -> assertThat(context.getBean(EchoService.class).prefix).isEqualTo("relaxed"));
	}

	@Test
	void runWithInvalidServiceConfigurationShouldFailNamingPropertyAndValue() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
			.withUserConfiguration(EchoService.class)
			.withPropertyValues("butler.services.echo.address= ")
			.run((context) -> {
				ServiceConfigurationException failure = findConfigurationException(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo("butler.services.echo.address");
				assertThat(failure.getMessage()).startsWith("Invalid value '' for property 'butler.services.echo.address'")
					.contains("must not be blank");
			});
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withPropertyValues("butler.services.echo.tick=often")
			.run((context) -> assertThat(findConfigurationException(context.getStartupFailure()).getMessage())
				.startsWith("Invalid value 'often' for property 'butler.services.echo.tick'"));
	}

	@Test
	void runWithServiceNotImplementingMicroServiceShouldFail() {
		this.contextRunner.withUserConfiguration(NotAService.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("does not implement " + MicroService.class.getName()));
	}

	@Test
	void runShouldShutDownWhenFinishedOnlyWhenAskedTo() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ShutdownWhenFinished.class));
		this.contextRunner.withPropertyValues("butler.shutdown-when-finished=true")
			.run((context) -> assertThat(context).hasSingleBean(ShutdownWhenFinished.class));
	}

	@Test
	void runWithUnknownStandardServiceAgentShouldFailNamingProperty() {
		this.contextRunner.withPropertyValues("butler.services.reader.agent=saturnin.text.nothing")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("Invalid value 'saturnin.text.nothing' for property 'butler.services.reader.agent': "
						+ "no standard service has this name or uid"));
	}

	@Test
	void runWithStandardServiceAgentOnAServiceBeanIdShouldFail() {
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withPropertyValues("butler.services.echo.agent=saturnin.text.reader")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("is already Butler service 'echo'"));
	}

	@Test
	void runWithGlobalControlAddressAndTwoServicesShouldFail() {
		this.contextRunner.withUserConfiguration(EchoService.class, SecondService.class)
			.withPropertyValues("butler.control.address=tcp://127.0.0.1:5999")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("exactly one Butler service")
				.hasMessageContaining("butler.services.<id>.control-address"));
	}

	@Test
	void runWithAgentIdentityShouldDeriveUidFromOid() {
		this.contextRunner.withUserConfiguration(EchoService.class).run((context) -> {
			ManagedMicroService service = context.getBean(ManagedMicroService.class);
			assertThat(service.agent().uid()).isEqualTo(Uuids.fromOid("1.3.6.1.4.1.32473.1.1"));
			assertThat(service.agent().version()).isEqualTo("1.2.3");
			assertThat(service.agent().vendor()).isEqualTo(VendorUids.BUTLER);
			assertThat(service.definition().configType()).isEqualTo(EchoService.Config.class);
		});
	}

	@Test
	void runWithSocketCustomizerShouldApplyItAfterTheDefaults() {
		List<String> customized = new CopyOnWriteArrayList<>();
		ChannelSocketCustomizer customizer = (serviceId, channel, type, socket) -> customized
			.add(serviceId + "/" + channel + "/" + type + "/handshake=" + socket.handshakeInterval());
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withBean(ChannelSocketCustomizer.class, () -> customizer)
			.withPropertyValues("butler.zmq.handshake-interval=750ms")
			.run((context) -> assertThat(customized).containsExactly("echo/echo/ROUTER/handshake=750"));
	}

	@Test
	void runWhenInitializeRejectsConfigurationShouldKeepTheCauseForFailureAnalysis() {
		this.contextRunner.withUserConfiguration(RejectingService.class)
			.run((context) -> {
				ServiceConfigurationException cause = findConfigurationException(context.getStartupFailure());
				assertThat(cause.getProperty()).isEqualTo("butler.services.rejecting.mode");
				assertThat(context.getStartupFailure()).hasMessageContaining("rejecting");
			});
	}

	/**
	 * Send a request and wait for the reply. JeroMQ sometimes stalls the handshake of a fresh tcp
	 * connection until the handshake interval expires, so the client keeps that interval short.
	 */
	static String request(String address, String request) {
		try (ZContext zmq = new ZContext(); ZMQ.Socket client = zmq.createSocket(SocketType.DEALER)) {
			client.setHandshakeIvl(500);
			client.setReceiveTimeOut(5000);
			client.connect(address);
			client.send(request);
			return client.recvStr();
		}
	}

	private static ServiceConfigurationException findConfigurationException(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current instanceof ServiceConfigurationException configuration) {
				return configuration;
			}
		}
		throw new AssertionError("No ServiceConfigurationException in " + failure);
	}

	@ButlerService
	static class NotAService {

	}

	@ButlerService("rejecting")
	static class RejectingService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
			throw new ServiceConfigurationException(context.propertyName("mode"), "fast", "expected 'slow'");
		}

	}

	@ButlerService("second")
	static class SecondService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
		}

	}

}
