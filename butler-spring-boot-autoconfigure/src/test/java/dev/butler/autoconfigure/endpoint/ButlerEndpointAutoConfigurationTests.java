package dev.butler.autoconfigure.endpoint;

import java.time.Clock;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.butler.actuate.endpoint.ButlerEndpoint;
import dev.butler.actuate.endpoint.ButlerEndpointWebExtension;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.control.ButlerComponents;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ButlerEndpointAutoConfiguration}.
 */
class ButlerEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ButlerEndpointAutoConfiguration.class));

	@Test
	void runWhenEndpointIsExposedShouldCreateEndpointAndWebExtension() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=butler")
			.run((context) -> assertThat(context).hasSingleBean(ButlerEndpoint.class)
				.hasSingleBean(ButlerEndpointWebExtension.class));
	}

	@Test
	void runWhenEndpointIsNotExposedShouldNotCreateEndpoint() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ButlerEndpoint.class)
			.doesNotHaveBean(ButlerEndpointWebExtension.class));
	}

	@Test
	void runWhenEndpointIsDisabledShouldNotCreateEndpoint() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=butler",
					"management.endpoint.butler.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(ButlerEndpoint.class));
	}

	@Test
	void runWhenButlerIsDisabledShouldNotCreateEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=butler", "butler.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ButlerComponents.class)
				.doesNotHaveBean(ButlerEndpoint.class));
	}

	@Test
	void runWithoutTheButlerRuntimeShouldNotCreateEndpoint() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ButlerEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=butler")
			.run((context) -> assertThat(context).doesNotHaveBean(ButlerEndpoint.class));
	}

	@Test
	void runWithUserEndpointShouldBackOff() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=butler")
			.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).getBean(ButlerEndpoint.class)
				.isSameAs(context.getBean("userEndpoint")));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		ButlerEndpoint userEndpoint(ButlerComponents components) {
			return new ButlerEndpoint(components, Clock.systemUTC());
		}

	}

}
