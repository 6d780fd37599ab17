package dev.butler.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.butler.base.Outcome;
import dev.butler.base.State;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ButlerController;
import dev.butler.control.ManagedMicroService;

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
				try (ZContext zmq = new ZContext(); ZMQ.Socket client = zmq.createSocket(SocketType.DEALER)) {
					client.setReceiveTimeOut(5000);
					// a fresh JeroMQ tcp connection now and then misses its handshake: retry after 1 s, not 30
					client.setHandshakeIvl(1000);
					client.connect(address);
					client.send("hello");
					assertThat(client.recvStr()).isEqualTo(">hello");
				}
				EchoService echo = context.getBean(EchoService.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> echo.ticks.get() >= 2);
				assertThat(echo.tickThread).isSameAs(echo.loopThread);
				assertThat(echo.tickThread.getName()).isEqualTo("butler-echo");
				assertThat(context.getBean(ButlerComponents.class).find("echo")).containsSame((ButlerComponent) service);
			});
		assertThat(managed[0].state()).isEqualTo(State.FINISHED);
		assertThat(managed[0].outcome()).isEqualTo(Outcome.OK);
	}

}
