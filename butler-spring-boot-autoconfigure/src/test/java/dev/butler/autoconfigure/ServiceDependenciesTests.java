package dev.butler.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@code butler.services.<id>.depends-on}: ordered start, reverse stop, and the errors of
 * a bad graph.
 */
class ServiceDependenciesTests {

	private static final List<String> events = new CopyOnWriteArrayList<>();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class))
		.withUserConfiguration(ThreeServices.class);

	@BeforeEach
	void clear() {
		events.clear();
	}

	@Test
	void servicesShouldStartAfterTheirDependenciesAndStopBeforeThem() {
		this.contextRunner
			.withPropertyValues("butler.services.front.depends-on=middle", "butler.services.middle.depends-on=back")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(events).containsExactly("start back", "start middle", "start front", "stop front", "stop middle",
				"stop back");
	}

	@Test
	void unknownDependencyShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("butler.services.front.depends-on=midle")
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(ServiceConfigurationException.class)
				.hasMessage("Invalid value 'midle' for property 'butler.services.front.depends-on': 'midle' is neither "
						+ "a Butler service nor a foreign component; services: front, middle, back"));
	}

	@Test
	void circularDependenciesShouldFailNamingTheCircle() {
		this.contextRunner
			.withPropertyValues("butler.services.front.depends-on=middle", "butler.services.middle.depends-on=back",
					"butler.services.back.depends-on=front")
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(ServiceConfigurationException.class)
				.hasMessageContaining("the services depend on each other in a circle: front -> middle -> back -> front"));
	}

	@Test
	void serviceWhoseDependencyIsNotRunningShouldNotStart() {
		this.contextRunner
			.withPropertyValues("butler.services.front.depends-on=back", "butler.services.back.optional=true",
					"butler.services.back.fail=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("Butler service 'front' depends on 'back', which is not running (ABORTED)"));
		assertThat(events).doesNotContain("start front");
	}

	@Configuration(proxyBeanMethods = false)
	static class ThreeServices {

		@Bean
		RecordingService front() {
			return new RecordingService();
		}

		@Bean
		RecordingService middle() {
			return new RecordingService();
		}

		@Bean
		RecordingService back() {
			return new RecordingService();
		}

	}

	@ButlerService
	static class RecordingService implements MicroService<RecordingService.Config> {

		private String id;

		@Override
		public void initialize(Config config, ServiceContext context) {
			this.id = context.serviceId();
			if (config.fail()) {
				throw new IllegalStateException("Service '" + this.id + "' fails as asked");
			}
		}

		@Override
		public void startActivities() {
			events.add("start " + this.id);
		}

		@Override
		public void stopActivities() {
			events.add("stop " + this.id);
		}

		record Config(boolean fail) {

		}

	}

}
