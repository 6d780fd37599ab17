package dev.butler.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.butler.actuate.metrics.ButlerMetrics;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.control.ButlerComponents;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ButlerMetricsAutoConfiguration}.
 */
class ButlerMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ButlerMetricsAutoConfiguration.class));

	@Test
	void runWithMeterRegistryShouldCreateButlerMetrics() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasSingleBean(ButlerMetrics.class));
	}

	@Test
	void runWithoutMeterRegistryShouldNotCreateButlerMetrics() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ButlerComponents.class)
			.doesNotHaveBean(ButlerMetrics.class));
	}

	@Test
	void runWhenButlerIsDisabledShouldNotCreateButlerMetrics() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("butler.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ButlerMetrics.class));
	}

	@Test
	void runWithoutTheButlerRuntimeShouldNotCreateButlerMetrics() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ButlerMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).doesNotHaveBean(ButlerMetrics.class));
	}

	@Test
	void runWithUserButlerMetricsShouldBackOff() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withUserConfiguration(UserMetricsConfiguration.class)
			.run((context) -> assertThat(context).getBean(ButlerMetrics.class)
				.isSameAs(context.getBean("userMetrics")));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserMetricsConfiguration {

		@Bean
		ButlerMetrics userMetrics(ButlerComponents components) {
			return new ButlerMetrics(components);
		}

	}

}
