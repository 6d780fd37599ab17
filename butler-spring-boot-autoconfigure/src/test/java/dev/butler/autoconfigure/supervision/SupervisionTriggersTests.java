package dev.butler.autoconfigure.supervision;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.RunEnding;
import dev.butler.service.ButlerService;
import dev.butler.service.ConfigurationRequest;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;
import dev.butler.supervision.Supervisor;
import dev.butler.supervision.Trigger;
import dev.butler.supervision.TriggerAction;
import dev.butler.supervision.TriggerEvent;
import dev.butler.supervision.TriggerStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for state triggers: {@code butler.services.<id>.on-start}, {@code on-update},
 * {@code on-fail} and {@code on-exit}, and {@link Trigger} beans, on real services.
 */
class SupervisionTriggersTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final List<String> events = new CopyOnWriteArrayList<>();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class,
				ButlerSupervisionAutoConfiguration.class))
		.withUserConfiguration(Services.class)
		.withPropertyValues("butler.supervision.backoff.min=10ms", "butler.supervision.backoff.max=10ms",
				"butler.services.report.auto-startup=false", "butler.services.task.auto-startup=false");

	@BeforeEach
	void clear() {
		events.clear();
	}

	@Test
	void oneShotTaskThatFinishedShouldStartTheServiceItsOnExitNames() {
		this.contextRunner
			.withPropertyValues("butler.services.task.on-exit[0].action=start",
					"butler.services.task.on-exit[0].target=report")
			.run((context) -> {
				component(context, "task").start();
				await().atMost(WAIT).until(() -> component(context, "report").isRunning());
				assertThat(events).containsSubsequence("task done", "start report");
				TriggerStatus status = context.getBean(Supervisor.class).triggers().get(0);
				assertThat(status.trigger()).isEqualTo(Trigger.of("task", TriggerEvent.EXIT, TriggerAction.START, "report"));
				await().atMost(WAIT).until(() -> "OK".equals(context.getBean(Supervisor.class).triggers().get(0).lastResult()));
				assertThat(context.getBean(Supervisor.class).triggers().get(0).fired()).isEqualTo(1);
			});
	}

	@Test
	void failingTaskShouldFireOnFailAndOnExitButASucceedingOneOnlyOnExit() {
		this.contextRunner
			.withPropertyValues("butler.services.task.restart=temporary", "butler.services.task.on-fail[0].action=start",
					"butler.services.task.on-fail[0].target=report")
			.run((context) -> {
				component(context, "task").start();
				Supervisor supervisor = context.getBean(Supervisor.class);
				await().atMost(WAIT).until(() -> supervisor.status("task").lastEnding() == RunEnding.NORMAL);
				assertThat(supervisor.triggers().get(0).fired()).isZero();
				assertThat(component(context, "report").isRunning()).isFalse();
				Services.failTask = true;
				try {
					component(context, "task").start();
					await().atMost(WAIT).until(() -> component(context, "report").isRunning());
					assertThat(supervisor.status("task").lastEnding()).isEqualTo(RunEnding.ERROR);
					assertThat(supervisor.triggers().get(0).fired()).isEqualTo(1);
				}
				finally {
					Services.failTask = false;
				}
			});
	}

	@Test
	void acceptedConfigurationShouldFireOnUpdateWhichConfiguresAnotherService() {
		this.contextRunner
			.withPropertyValues("butler.services.report.auto-startup=true",
					"butler.services.worker.on-update[0].action=configure",
					"butler.services.worker.on-update[0].target=report",
					"butler.services.worker.on-update[0].options.level=5")
			.run((context) -> {
				assertThat(component(context, "worker").configure(Map.of("level", "2")).accepted()).isTrue();
				await().atMost(WAIT).until(() -> events.contains("configure report level=5"));
				assertThat(events).containsSubsequence("configure worker level=2", "configure report level=5");
			});
	}

	@Test
	void triggersThatAnswerEachOtherShouldBeSuspendedAtTheSupervisionIntensity() {
		this.contextRunner
			.withPropertyValues("butler.supervision.max-restarts=3", "butler.services.report.auto-startup=true",
					"butler.services.worker.on-start[0].action=restart",
					"butler.services.worker.on-start[0].target=report",
					"butler.services.report.on-start[0].action=restart",
					"butler.services.report.on-start[0].target=worker")
			.run((context) -> {
				Supervisor supervisor = context.getBean(Supervisor.class);
				component(context, "worker").restart();
				await().atMost(WAIT)
					.until(() -> supervisor.triggers().stream().anyMatch((status) -> status.suspendedBecause() != null));
				TriggerStatus suspended = supervisor.triggers()
					.stream()
					.filter((status) -> status.suspendedBecause() != null)
					.findFirst()
					.orElseThrow();
				assertThat(suspended.suspendedBecause()).isEqualTo("it would fire more than 3 times within 1m");
				assertThat(suspended.fired()).isEqualTo(3);
				await().atMost(WAIT).until(() -> component(context, "worker").isRunning()
						&& component(context, "report").isRunning());
				assertThat(supervisor.triggers().stream().mapToLong(TriggerStatus::fired).sum()).isLessThanOrEqualTo(6);
			});
	}

	@Test
	void triggerBeanShouldActOnAGroup() {
		this.contextRunner
			.withPropertyValues("butler.supervision.groups.reports.services=report")
			.withBean(Trigger.class, () -> Trigger.of("task", TriggerEvent.EXIT, TriggerAction.START, "reports"))
			.run((context) -> {
				component(context, "task").start();
				await().atMost(WAIT).until(() -> component(context, "report").isRunning());
			});
	}

	@Test
	void triggerNamingAnUnknownTargetShouldFailStartUpNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("butler.services.task.on-exit[0].action=start",
					"butler.services.task.on-exit[0].target=reprot")
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(IllegalArgumentException.class)
				.hasStackTraceContaining(ServiceConfigurationException.class.getName()
						+ ": Invalid value 'reprot' for property 'butler.services.task.on-exit[0].target': "
						+ "'reprot' is neither a Butler service, a component nor a group"));
	}

	@Test
	void configureTriggerWithoutOptionsShouldFailStartUpNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("butler.services.task.on-fail[0].action=configure",
					"butler.services.task.on-fail[0].target=report")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("butler.services.task.on-fail[0]")
				.hasStackTraceContaining("A configure trigger needs options"));
	}

	private static ButlerComponent component(org.springframework.context.ApplicationContext context, String id) {
		return context.getBean(ButlerComponents.class).find(id).orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		static volatile boolean failTask;

		@Bean
		TaskService task() {
			return new TaskService();
		}

		@Bean
		EventService report() {
			return new EventService();
		}

		@Bean
		EventService worker() {
			return new EventService();
		}

	}

	@ButlerService
	static class TaskService implements MicroService<Void> {

		private ServiceContext context;

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.context = context;
		}

		@Override
		public void startActivities() {
			this.context.runTask("work", () -> {
				events.add("task done");
				if (Services.failTask) {
					throw new IllegalStateException("boom");
				}
			});
		}

	}

	@ButlerService
	static class EventService implements MicroService<Void> {

		private ServiceContext context;

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.context = context;
		}

		@Override
		public void startActivities() {
			events.add("start " + this.context.serviceId());
		}

		@Override
		public void handleConfigRequest(ConfigurationRequest request) {
			events.add("configure " + this.context.serviceId() + " " + String.join(",", request.options().entrySet()
				.stream().map((entry) -> entry.getKey() + "=" + entry.getValue()).toList()));
		}

	}

}
