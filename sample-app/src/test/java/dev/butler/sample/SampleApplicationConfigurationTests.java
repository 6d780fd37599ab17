package dev.butler.sample;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Start-up of the application with bad service configuration.
 */
class SampleApplicationConfigurationTests {

	@Test
	void runWithWindowOutOfRangeShouldFailNamingTheProperty() {
		assertThatException().isThrownBy(() -> run("butler.services.aggregator.window=0"))
			.withStackTraceContaining("Invalid value '0' for property 'butler.services.aggregator.window'");
	}

	@Test
	void runWithZeroIntervalShouldFailNamingTheProperty() {
		assertThatException().isThrownBy(() -> run("butler.services.sensor.interval=0s"))
			.havingRootCause()
			.withMessageContaining("Invalid value 'PT0S' for property 'butler.services.sensor.interval': must be positive");
	}

	private void run(String property) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.web(WebApplicationType.NONE)
			.run("--butler.services.sensor.address=tcp://127.0.0.1:*",
					"--butler.services.aggregator.address=tcp://127.0.0.1:*", "--" + property)) {
		}
	}

}
