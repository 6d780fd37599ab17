package dev.butler.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import dev.butler.actuate.endpoint.ButlerEndpoint;
import dev.butler.actuate.health.ButlerHealthIndicator;
import dev.butler.autoconfigure.endpoint.ButlerEndpointAutoConfiguration;
import dev.butler.autoconfigure.health.ButlerHealthContributorAutoConfiguration;
import dev.butler.autoconfigure.supervision.ButlerSupervisionAutoConfiguration;
import dev.butler.config.UnknownPropertyException;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ManagedMicroService;
import dev.butler.control.RunEnding;
import dev.butler.protocol.State;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;
import dev.butler.supervision.RestartStrategy;
import dev.butler.supervision.SupervisionStatus.Phase;
import dev.butler.supervision.Supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ButlerServices}: services added while the application runs are run, supervised,
 * seen and stopped as declared ones are.
 */
class ButlerServicesTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class,
				ButlerSupervisionAutoConfiguration.class, ButlerHealthContributorAutoConfiguration.class,
				ButlerEndpointAutoConfiguration.class))
		.withUserConfiguration(EchoService.class)
		.withPropertyValues("butler.supervision.backoff.min=10ms", "butler.supervision.backoff.max=10ms",
				"management.endpoints.web.exposure.include=butler", "butler.services.late.added-at-run-time=true");

	@BeforeEach
	void reset() {
		FailingOnceService.runs.set(0);
	}

	@Test
	void addedServiceShouldBeReadyAndSeenLikeADeclaredOne() {
		this.contextRunner.run((context) -> {
			ManagedMicroService late = context.getBean(ButlerServices.class).add("late", new EchoService());
			assertThat(late.state()).isEqualTo(State.RUNNING);
			assertThat(context.getBean(ButlerComponents.class).list()).extracting(ButlerComponent::id)
				.containsExactly("echo", "late");
			assertThat(context.getBean("butlerService.late")).isSameAs(late);
			assertThat(context.getBean(ButlerEndpoint.class).component("late", null).state()).isEqualTo(State.RUNNING);
			Health health = context.getBean(ButlerHealthIndicator.class).health(true);
			assertThat(health.getDetails()).containsKey("late");
			assertThat(context.getBean(Supervisor.class).status("late").phase()).isEqualTo(Phase.RUNNING);
		});
	}

	@Test
	void addedServiceShouldStopWithTheApplication() {
		ManagedMicroService[] late = new ManagedMicroService[1];
		EchoService service = new EchoService();
		this.contextRunner.run((context) -> late[0] = context.getBean(ButlerServices.class).add("late", service));
		assertThat(late[0].state()).isEqualTo(State.FINISHED);
		assertThat(service.stops).hasValue(1);
	}

	@Test
	void addedServiceShouldBeRestartedBySupervisorAfterItEndedWithAnError() {
		this.contextRunner.run((context) -> {
			context.getBean(ButlerServices.class).add("late", new FailingOnceService());
			Supervisor supervisor = context.getBean(Supervisor.class);
			await().atMost(WAIT)
				.until(() -> FailingOnceService.runs.get() == 2 && supervisor.status("late").phase() == Phase.RUNNING);
			assertThat(supervisor.status("late").restarts()).containsEntry(RunEnding.ERROR, 1L);
		});
	}

	@Test
	void addedServiceShouldStartAfterItsDependencies() {
		this.contextRunner.withPropertyValues("butler.services.late.depends-on=echo").run((context) -> {
			ManagedMicroService late = context.getBean(ButlerServices.class).add("late", new EchoService());
			assertThat(late.dependencies()).extracting(ButlerComponent::id).containsExactly("echo");
			assertThat(late.isRunning()).isTrue();
		});
	}

	@Test
	void addedServiceWhoseDependencyIsNotRunningShouldNotBeAdded() {
		this.contextRunner.withPropertyValues("butler.services.late.depends-on=echo").run((context) -> {
			context.getBean("butlerService.echo", ManagedMicroService.class).stop();
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> context.getBean(ButlerServices.class).add("late", new EchoService()))
				.withMessage("Butler service 'late' depends on 'echo', which is not running (FINISHED)");
			assertThat(context.getBean(ButlerComponents.class).find("late")).isEmpty();
		});
	}

	@Test
	void unknownDependencyShouldBeRefusedNamingTheProperty() {
		this.contextRunner.withPropertyValues("butler.services.late.depends-on=ecko").run((context) -> {
			assertThatExceptionOfType(ServiceConfigurationException.class)
				.isThrownBy(() -> context.getBean(ButlerServices.class).add("late", new EchoService()))
				.withMessage("Invalid value 'ecko' for property 'butler.services.late.depends-on': 'ecko' is neither "
						+ "a Butler service nor a foreign component; services: echo");
			assertThat(context.getBean(ButlerComponents.class).find("late")).isEmpty();
		});
	}

	@Test
	void existingIdShouldBeRefused() {
		this.contextRunner.run((context) -> {
			ButlerServices services = context.getBean(ButlerServices.class);
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> services.add("echo", new EchoService()))
				.withMessage("A Butler service or foreign component with id 'echo' exists already; remove it first or "
						+ "choose another id");
			services.add("late", new EchoService());
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> services.add("late", new EchoService()))
				.withMessageContaining("'late' exists already");
		});
	}

	@Test
	void typoInAKeyOfAnAddedServiceShouldBeRefusedNamingTheKey() {
		this.contextRunner.withPropertyValues("butler.services.late.prefx=>").run((context) -> {
			assertThat(context).hasNotFailed();
			ButlerServices services = context.getBean(ButlerServices.class);
			assertThatExceptionOfType(UnknownPropertyException.class)
				.isThrownBy(() -> services.add("late", new EchoService()))
				.withMessageStartingWith(
						"Unknown property 'butler.services.late.prefx' of service 'late'; did you mean 'prefix'?");
			assertThat(context.getBean(ButlerComponents.class).find("late")).isEmpty();
			assertThat(context.getBean(Supervisor.class).status("late")).isNull();
			assertThat(context.containsBean("butlerService.late")).isFalse();
		});
	}

	@Test
	void propertiesOfAServiceAddedLaterShouldFailTheStartUnlessMarkedAddedAtRunTime() {
		this.contextRunner.withPropertyValues("butler.services.later.prefix=>")
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(UnknownPropertyException.class)
				.hasMessageContaining("Unknown service 'later' (property 'butler.services.later.prefix'"));
	}

	@Test
	void removedServiceShouldBeStoppedUnsupervisedAndGone() {
		this.contextRunner.run((context) -> {
			ButlerServices services = context.getBean(ButlerServices.class);
			EchoService service = new EchoService();
			ManagedMicroService late = services.add("late", service);
			services.remove("late");
			assertThat(late.state()).isEqualTo(State.FINISHED);
			assertThat(service.stops).hasValue(1);
			assertThat(context.getBean(ButlerComponents.class).find("late")).isEmpty();
			assertThat(context.getBean(Supervisor.class).status("late")).isNull();
			assertThat(services.add("late", new EchoService()).isRunning()).isTrue();
		});
	}

	@Test
	void serviceShouldNotBeRemovedWhileItsDependentsRun() {
		this.contextRunner
			.withPropertyValues("butler.services.later.added-at-run-time=true", "butler.services.later.depends-on=late")
			.run((context) -> {
				ButlerServices services = context.getBean(ButlerServices.class);
				services.add("late", new EchoService());
				ManagedMicroService later = services.add("later", new EchoService());
				assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> services.remove("late"))
					.withMessage("Butler service 'late' cannot be removed while [later] that depend on it run");
				services.remove("later");
				services.remove("late");
				assertThat(later.state()).isEqualTo(State.FINISHED);
				assertThat(context.getBean(ButlerComponents.class).list()).extracting(ButlerComponent::id)
					.containsExactly("echo");
			});
	}

	@Test
	void servicesAddedAsAGroupShouldBeRestartedTogetherAndRemovedTogether() {
		this.contextRunner
			.withPropertyValues("butler.services.steady.added-at-run-time=true",
					"butler.services.flaky.added-at-run-time=true")
			.run((context) -> {
				ButlerServices services = context.getBean(ButlerServices.class);
				Map<String, MicroService<?>> group = new LinkedHashMap<>();
				group.put("steady", new EchoService());
				group.put("flaky", new FailingOnceService());
				List<ManagedMicroService> added = services.addGroup("pair", RestartStrategy.ONE_FOR_ALL, null, group);
				ManagedMicroService steady = added.get(0);
				Instant firstStart = steady.startedAt();
				await().atMost(WAIT).until(() -> FailingOnceService.runs.get() == 2 && added.get(1).isRunning());
				await().atMost(WAIT).until(() -> steady.isRunning() && steady.startedAt().isAfter(firstStart));
				assertThat(context.getBean(Supervisor.class).groups().get("pair").restarts()).isOne();
				assertThat(services.groupServices("pair")).containsExactlyElementsOf(added);
				assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> services.remove("steady"))
					.withMessage("Butler service 'steady' was added in group 'pair'; remove the group");
				services.removeGroup("pair");
				assertThat(context.getBean(ButlerComponents.class).list()).extracting(ButlerComponent::id)
					.containsExactly("echo");
				assertThat(context.getBean(Supervisor.class).groups()).doesNotContainKey("pair");
				assertThat(steady.state()).isEqualTo(State.FINISHED);
			});
	}

	@Test
	void groupAddedWithoutSupervisionShouldStillBeStartedAndRemovedAsOne() {
		this.contextRunner.withPropertyValues("butler.supervision.enabled=false",
				"butler.services.steady.added-at-run-time=true")
			.run((context) -> {
				ButlerServices services = context.getBean(ButlerServices.class);
				List<ManagedMicroService> added = services.addGroup("alone", RestartStrategy.ONE_FOR_ONE, null,
						Map.of("steady", new EchoService()));
				assertThat(added.get(0).isRunning()).isTrue();
				services.restartGroup("alone");
				assertThat(added.get(0).isRunning()).isTrue();
				services.removeGroup("alone");
				assertThat(context.getBean(ButlerComponents.class).find("steady")).isEmpty();
			});
	}

	@Test
	void declaredServiceShouldNotBeRemoved() {
		this.contextRunner.run((context) -> assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> context.getBean(ButlerServices.class).remove("echo"))
			.withMessageStartingWith("No Butler service 'echo' was added at run time"));
	}

	@Test
	void addingWhileTheApplicationIsStoppedShouldBeRefused() {
		this.contextRunner.run((context) -> {
			ButlerServices services = context.getBean(ButlerServices.class);
			((ConfigurableApplicationContext) context.getSourceApplicationContext()).stop();
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> services.add("late", new EchoService()))
				.withMessageContaining("only while the application runs");
		});
	}

	@ButlerService(vendor = "e3a3c7a4-3a9f-4f8e-9d8c-6f7b2e0c1a11")
	static class FailingOnceService implements MicroService<Void> {

		static final AtomicInteger runs = new AtomicInteger();

		private ServiceContext context;

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.context = context;
		}

		@Override
		public void startActivities() {
			if (runs.incrementAndGet() == 1) {
				this.context.schedule("fail", () -> this.context.stop(List.of("boom")), Duration.ofMillis(20));
			}
		}

	}

}
