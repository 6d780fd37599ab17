package dev.butler.autoconfigure.health;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.butler.actuate.health.ButlerHealthIndicator;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.control.ButlerComponents;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ButlerHealthContributorAutoConfiguration}.
 */
class ButlerHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ButlerAutoConfiguration.class, ButlerHealthContributorAutoConfiguration.class));

	@Test
	void runShouldCreateHealthIndicator() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ButlerHealthIndicator.class));
	}

	@Test
	void runWhenHealthIndicatorIsDisabledShouldNotCreateIt() {
		this.contextRunner.withPropertyValues("management.health.butler.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ButlerHealthIndicator.class));
	}

	@Test
	void runWhenButlerIsDisabledShouldNotCreateHealthIndicator() {
		this.contextRunner.withPropertyValues("butler.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ButlerHealthIndicator.class));
	}

	@Test
	void runWithoutTheButlerRuntimeShouldNotCreateHealthIndicator() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ButlerHealthContributorAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ButlerHealthIndicator.class));
	}

	@Test
	void runWithUserIndicatorOfTheSameNameShouldBackOff() {
		this.contextRunner
			.withUserConfiguration(UserHealthIndicatorConfiguration.class)
			.run((context) -> assertThat(context).getBean(ButlerHealthIndicator.class)
				.isSameAs(context.getBean(UserHealthIndicatorConfiguration.class).indicator));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealthIndicatorConfiguration {

		ButlerHealthIndicator indicator;

		@Bean
		ButlerHealthIndicator butlerHealthIndicator(ButlerComponents components) {
			this.indicator = new ButlerHealthIndicator(components);
			return this.indicator;
		}

	}

}
