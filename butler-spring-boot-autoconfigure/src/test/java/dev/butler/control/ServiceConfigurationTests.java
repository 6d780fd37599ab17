package dev.butler.control;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.protocol.State;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for binding and validating the typed configuration of a service before it starts.
 */
class ServiceConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ValidationAutoConfiguration.class, ButlerAutoConfiguration.class))
		.withUserConfiguration(ListenerService.class);

	@Test
	void startWithValidConfigurationShouldPassItToInitialize() {
		this.contextRunner
			.withPropertyValues("butler.services.listener.port=5100", "butler.services.listener.idle-timeout=2s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ListenerService.Config config = context.getBean(ListenerService.class).config;
				assertThat(config.port()).isEqualTo(5100);
				assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(context.getBean("butlerService.listener", ManagedMicroService.class).state())
					.isEqualTo(State.RUNNING);
			});
	}

	@Test
	void startWhenValueBreaksConstraintShouldFailNamingPropertyAndValue() {
		this.contextRunner.withPropertyValues("butler.services.listener.port=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure()
				.cause()
				.isInstanceOf(ServiceConfigurationException.class)
				.hasMessageContaining("'butler.services.listener.port'")
				.hasMessageContaining("'0'")
				.hasMessageContaining("must be greater than or equal to 1")
				.extracting("property", "value")
				.containsExactly("butler.services.listener.port", 0);
		});
	}

	@Test
	void startWhenValueCannotBeConvertedShouldFailNamingPropertyAndValue() {
		this.contextRunner.withPropertyValues("butler.services.listener.idle-timeout=abc").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure()
				.cause()
				.isInstanceOf(ServiceConfigurationException.class)
				.hasMessageContaining("'butler.services.listener.idle-timeout'")
				.hasMessageContaining("'abc'")
				.hasMessageContaining("'listener'")
				.extracting("property", "value")
				.containsExactly("butler.services.listener.idle-timeout", "abc");
		});
	}

	@Test
	void restartShouldBindConfigurationAgain() {
		this.contextRunner.withPropertyValues("butler.services.listener.port=5100").run((context) -> {
			ListenerService service = context.getBean(ListenerService.class);
			ListenerService.Config first = service.config;
			context.getBean("butlerService.listener", ManagedMicroService.class).restart();
			assertThat(service.config).isNotSameAs(first).isEqualTo(first);
		});
	}

	@ButlerService("listener")
	static class ListenerService implements MicroService<ListenerService.Config> {

		volatile Config config;

		@Override
		public void initialize(Config config, ServiceContext context) {
			this.config = config;
		}

		record Config(@DefaultValue("5000") @Min(1) int port, @DefaultValue("30s") Duration idleTimeout) {

		}

	}

}
