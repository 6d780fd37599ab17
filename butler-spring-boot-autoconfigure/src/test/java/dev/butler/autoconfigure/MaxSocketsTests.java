package dev.butler.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@code butler.zmq.max-sockets}: how many sockets the shared ZeroMQ context holds, and
 * the error when it holds no more.
 */
class MaxSocketsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class));

	@Test
	void contextShouldHoldAsManySocketsAsThePropertySays() {
		this.contextRunner.withPropertyValues("butler.zmq.max-sockets=4096")
			.run((context) -> assertThat(context.getBean(ZmqContext.class).maxSockets()).isEqualTo(4096));
	}

	@Test
	void servicesThatNeedMoreSocketsThanTheContextHoldsShouldFailNamingTheProperty() {
		this.contextRunner.withUserConfiguration(ThreeServices.class)
			.withPropertyValues("butler.zmq.max-sockets=5", "butler.startup.concurrency=1")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("The ZeroMQ context holds its maximum of 5 sockets")
				.hasStackTraceContaining("raise butler.zmq.max-sockets"));
	}

	@Test
	void maxSocketsBelowOneShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("butler.zmq.max-sockets=0")
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(ServiceConfigurationException.class)
				.rootCause()
				.hasMessageContaining("butler.zmq.max-sockets"));
	}

	@Configuration(proxyBeanMethods = false)
	static class ThreeServices {

		@Bean
		PlainService first() {
			return new PlainService();
		}

		@Bean
		PlainService second() {
			return new PlainService();
		}

		@Bean
		PlainService third() {
			return new PlainService();
		}

	}

	@ButlerService
	static class PlainService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
		}

	}

}
