package dev.butler.autoconfigure.health;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class ButlerReadinessEnvironmentPostProcessorTests {

	private final ButlerReadinessEnvironmentPostProcessor postProcessor = new ButlerReadinessEnvironmentPostProcessor();

	@Test
	void postProcessShouldAddButlerToTheReadinessGroup() {
		MockEnvironment environment = new MockEnvironment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(ButlerReadinessEnvironmentPostProcessor.PROPERTY))
			.isEqualTo("readinessState,butler");
	}

	@Test
	void postProcessWhenGroupConfiguredShouldKeepIt() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty(ButlerReadinessEnvironmentPostProcessor.PROPERTY, "db");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(ButlerReadinessEnvironmentPostProcessor.PROPERTY)).isEqualTo("db");
	}

	@Test
	void postProcessWhenButlerDisabledShouldNotAddIt() {
		MockEnvironment environment = new MockEnvironment().withProperty("butler.enabled", "false");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.containsProperty(ButlerReadinessEnvironmentPostProcessor.PROPERTY)).isFalse();
	}

}
