package dev.butler.autoconfigure.integration;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.endpoint.MessageProducerSupport;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.control.ButlerController;
import dev.butler.control.ComponentOptions;
import dev.butler.integration.FbdpAdapterServices;
import dev.butler.runtime.ServiceRuntime;

import static org.assertj.core.api.Assertions.assertThat;

class ButlerIntegrationAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ButlerIntegrationAutoConfiguration.class));

	@Test
	void runWithButlerRuntimeShouldProvideAdapterServices() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(FbdpAdapterServices.class));
	}

	@Test
	void runWithServicePropertiesShouldApplyThemToAdapterServices() {
		this.contextRunner
			// no adapter runs service orders-in here, so its properties would fail start-up as unknown
			.withPropertyValues("butler.on-unknown-property=warn", "butler.services.orders-in.stop-timeout=3s",
					"butler.services.orders-in.optional=true")
			.run((context) -> {
				FbdpAdapterServices services = context.getBean(FbdpAdapterServices.class);
				ComponentOptions configured = services.componentOptions("orders-in");
				assertThat(configured.stopTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(configured.optional()).isTrue();
				assertThat(services.componentOptions("other").stopTimeout()).isEqualTo(Duration.ofSeconds(10));
			});
	}

	@Test
	void runWithoutSpringIntegrationShouldNotProvideAdapterServices() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MessageProducerSupport.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FbdpAdapterServices.class));
	}

	@Test
	void runWhenButlerIsDisabledShouldNotProvideAdapterServices() {
		this.contextRunner.withPropertyValues("butler.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FbdpAdapterServices.class));
	}

	@Test
	void runWithUserAdapterServicesShouldBackOff() {
		this.contextRunner.withUserConfiguration(UserAdapterServices.class)
			.run((context) -> assertThat(context).getBean(FbdpAdapterServices.class)
				.isSameAs(context.getBean(UserAdapterServices.class).services));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserAdapterServices {

		FbdpAdapterServices services;

		@Bean
		FbdpAdapterServices customAdapterServices(ServiceRuntime runtime, ButlerController controller) {
			this.services = new FbdpAdapterServices(runtime, controller, (id) -> ComponentOptions.DEFAULTS);
			return this.services;
		}

	}

}
