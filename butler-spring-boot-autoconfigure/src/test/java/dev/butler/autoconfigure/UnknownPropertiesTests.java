package dev.butler.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import dev.butler.control.ManagedMicroService;
import dev.butler.protocol.State;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;

import static dev.butler.pipe.PipeTestSupport.freeTcpAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of properties under {@code butler.services} that nothing reads: a key that none of its
 * service's binds reads, or an id that names no service, fails start-up naming the nearest known
 * names, unless {@code butler.on-unknown-property=warn}.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnknownPropertiesTests {

	private static final String SWITCH = "(butler.on-unknown-property=warn logs this instead of failing)";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class, ButlerAutoConfiguration.class));

	@TempDir
	Path directory;

	@Test
	void typoInAKeyOfAStandardServiceShouldFailNamingTheKeyAndTheKnownKeysOfAllItsBinds() throws IOException {
		Path input = Files.writeString(this.directory.resolve("input.txt"), "line\n");
		this.contextRunner
			.withPropertyValues("butler.services.reader.agent=saturnin.text.reader",
					"butler.services.reader.filename=" + input, "butler.services.reader.pipe=text",
					"butler.services.reader.pipe-address=" + freeTcpAddress(), "butler.services.reader.pipe-mode=bind",
					"butler.services.reader.file-fromat=text/plain;charset=utf-8")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ServiceConfigurationException.class)
				.hasMessageStartingWith("Unknown property 'butler.services.reader.file-fromat' of service 'reader'; "
						+ "did you mean 'file-format'? Known: ")
				// the reader's configuration, its pipe options and the runtime options
				.hasMessageContaining(", filename, ")
				.hasMessageContaining(", pipe-address, ")
				.hasMessageContaining(", stop-timeout, ")
				.hasMessageEndingWith(SWITCH)
				.extracting("property", "value")
				.containsExactly("butler.services.reader.file-fromat", "text/plain;charset=utf-8"));
	}

	@Test
	void typoInAKeyOfAUserServiceShouldFailBeforeTheServiceAcquiresResources() {
		this.contextRunner.withUserConfiguration(ListenerService.class)
			.withPropertyValues("butler.services.listener.prot=5100")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ServiceConfigurationException.class)
				.hasMessage("Unknown property 'butler.services.listener.prot' of service 'listener'; did you mean 'port'? "
						+ "Known: added-at-run-time, agent, as-leader, auto-startup, backoff, control-address, depends-on, idle-timeout, "
						+ "labels, leader-only, max-restarts, on-alarm, on-exit, on-fail, on-give-up, on-start, on-update, optional, "
						+ "port, restart, restart-within, stop-timeout, wait-for-leader-ready, warm-up-timeout "
						+ SWITCH));
	}

	@Test
	void listElementsOfALessSignificantSourceOverriddenByAnEmptyListShouldNotBeUnknown() {
		this.contextRunner.withUserConfiguration(ListenerService.class)
			.withPropertyValues("butler.services.listener.on-exit[0].action=start",
					"butler.services.listener.on-exit[0].target=listener")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("profile", Map.of("butler.services.listener.on-exit", ""))))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void typoInAKeyOfAListElementShouldFailNamingTheKey() {
		this.contextRunner.withUserConfiguration(ListenerService.class)
			.withPropertyValues("butler.services.listener.on-exit[0].action=start",
					"butler.services.listener.on-exit[0].target=listener",
					"butler.services.listener.on-exit[0].actoin=stop")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Unknown property 'butler.services.listener.on-exit[0].actoin'"));
	}

	@Test
	void severalTyposShouldAllBeNamed() {
		this.contextRunner.withUserConfiguration(ListenerService.class)
			.withPropertyValues("butler.services.listener.prot=5100", "butler.services.listener.idle-timout=1s",
					"butler.services.listener.colour=red")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageStartingWith("Unknown properties of service 'listener': ")
				.hasMessageContaining("'butler.services.listener.prot' (did you mean 'port'?)")
				.hasMessageContaining("'butler.services.listener.idle-timout' (did you mean 'idle-timeout'?)")
				.hasMessageContaining("'butler.services.listener.colour'"));
	}

	@Test
	void relaxedFormsOfKnownKeysShouldBeAccepted() {
		this.contextRunner.withUserConfiguration(ListenerService.class)
			.withPropertyValues("butler.services.listener.idle_timeout=2s", "butler.services.listener.PORT=5100",
					"butler.services.listener.warmUpTimeout=20s", "butler.services.listener.labels.any-name=x",
					"butler.services.listener.labels.other=y")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ListenerService.Config config = context.getBean(ListenerService.class).config;
				assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(config.port()).isEqualTo(5100);
				assertThat(config.labels()).containsOnlyKeys("any-name", "other");
				assertThat(context.getBean(ButlerProperties.class).service("listener").warmUpTimeout())
					.isEqualTo(Duration.ofSeconds(20));
				assertThat(context.getBean("butlerService.listener", ManagedMicroService.class).state())
					.isEqualTo(State.RUNNING);
			});
	}

	@Test
	void environmentVariablesOfKnownKeysShouldBeAccepted() {
		this.contextRunner.withUserConfiguration(ListenerService.class)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								Map.of("BUTLER_SERVICES_LISTENER_IDLE_TIMEOUT", "3s", "BUTLER_SERVICES_LISTENER_PORT",
										"5100", "BUTLER_SERVICES_LISTENER_WARMUPTIMEOUT", "20s",
										"BUTLER_SERVICES_LISTENER_LABELS_SITE", "x"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ListenerService.Config config = context.getBean(ListenerService.class).config;
				assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(config.port()).isEqualTo(5100);
				assertThat(config.labels()).containsOnlyKeys("site");
				assertThat(context.getBean(ButlerProperties.class).service("listener").warmUpTimeout())
					.isEqualTo(Duration.ofSeconds(20));
			});
	}

	@Test
	void misspeltEnvironmentVariableShouldFailNamingTheVariable() {
		this.contextRunner.withUserConfiguration(ListenerService.class)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								Map.of("BUTLER_SERVICES_LISTENER_IDLE_TIMOUT", "3s"))))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageStartingWith("Unknown property 'BUTLER_SERVICES_LISTENER_IDLE_TIMOUT' of service 'listener'; "
						+ "did you mean 'idle-timeout'?"));
	}

	@Test
	void unknownServiceIdShouldFailNamingTheKnownServices() {
		this.contextRunner.withUserConfiguration(ListenerService.class)
			.withPropertyValues("butler.services.listner.port=5100", "butler.services.listner.idle-timeout=1s")
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(ServiceConfigurationException.class)
				.hasMessage("Unknown service 'listner' (property 'butler.services.listner.port'; did you mean "
						+ "'listener'?) under 'butler.services'. Known services: listener " + SWITCH));
	}

	@Test
	void foreignComponentIdShouldNotBeAnUnknownService() {
		this.contextRunner.withUserConfiguration(ListenerService.class)
			.withPropertyValues("butler.components.external.address=" + freeTcpAddress(),
					"butler.components.external.auto-startup=false", "butler.services.external.optional=true")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void warnSwitchShouldLogUnknownPropertiesAndStart(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(ListenerService.class)
			.withPropertyValues("butler.on-unknown-property=warn", "butler.services.listener.prot=5100",
					"butler.services.listner.port=5100")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("butlerService.listener", ManagedMicroService.class).state())
					.isEqualTo(State.RUNNING);
				assertThat(context.getBean(ListenerService.class).config.port()).isEqualTo(5000);
				context.getBean("butlerService.listener", ManagedMicroService.class).restart();
				assertThat(context.getBean("butlerService.listener", ManagedMicroService.class).state())
					.isEqualTo(State.RUNNING);
			});
		String warning = "Unknown property 'butler.services.listener.prot' of service 'listener'; did you mean 'port'?";
		assertThat(output.getAll().split(Pattern.quote(warning), -1)).as("warned once").hasSize(2);
		assertThat(output).contains("WARN")
			.contains(warning)
			.contains("Unknown service 'listner' (property 'butler.services.listner.port'; did you mean 'listener'?)")
			.doesNotContain(SWITCH);
	}

	@Test
	void failedStartupShouldPrintTheTypoAndTheNearestKey(CapturedOutput output) {
		SpringApplication application = new SpringApplicationBuilder(ListenerApplication.class)
			.web(WebApplicationType.NONE)
			.properties("butler.services.listener.prot=5100")
			.build();
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Unknown property 'butler.services.listener.prot' of service 'listener'; did you mean 'port'?")
			.contains("Update property 'butler.services.listener.prot'");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ButlerAutoConfiguration.class)
	@Import(ListenerService.class)
	static class ListenerApplication {

	}

	@ButlerService("listener")
	static class ListenerService implements MicroService<ListenerService.Config> {

		volatile Config config;

		@Override
		public void initialize(Config config, ServiceContext context) {
			this.config = config;
		}

		record Config(@DefaultValue("5000") int port, @DefaultValue("30s") Duration idleTimeout,
				Map<String, String> labels) {

		}

	}

}
