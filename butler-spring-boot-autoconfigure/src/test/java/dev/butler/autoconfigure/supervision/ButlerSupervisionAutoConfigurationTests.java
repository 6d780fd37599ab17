package dev.butler.autoconfigure.supervision;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.butler.actuate.endpoint.ButlerEndpoint;
import dev.butler.actuate.health.ButlerHealthIndicator;
import dev.butler.autoconfigure.ApplicationExit;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.ButlerProperties;
import dev.butler.autoconfigure.endpoint.ButlerEndpointAutoConfiguration;
import dev.butler.autoconfigure.health.ButlerHealthContributorAutoConfiguration;
import dev.butler.control.ManagedMicroService;
import dev.butler.control.RunEnding;
import dev.butler.runtime.ButlerThreads;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;
import dev.butler.supervision.Backoff;
import dev.butler.supervision.RestartIntensity;
import dev.butler.supervision.RestartPolicy;
import dev.butler.supervision.RestartType;
import dev.butler.supervision.SupervisionStatus;
import dev.butler.supervision.SupervisionStatus.Phase;
import dev.butler.supervision.Supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ButlerSupervisionAutoConfiguration}: real services, really restarted.
 */
class ButlerSupervisionAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class,
				ButlerSupervisionAutoConfiguration.class, ButlerHealthContributorAutoConfiguration.class,
				ButlerEndpointAutoConfiguration.class))
		.withUserConfiguration(FlakyService.class)
		.withPropertyValues("butler.supervision.backoff.min=10ms", "butler.supervision.backoff.max=10ms",
				"management.endpoints.web.exposure.include=butler");

	@BeforeEach
	void reset() {
		FlakyService.runs.set(0);
		FlakyService.failingRuns.set(0);
		FlakyService.failingWarmUps.set(0);
		FlakyService.endOk = false;
	}

	@Test
	void serviceEndingWithErrorShouldBeRestartedAfterItsBackoff() {
		FlakyService.failingRuns.set(1);
		this.contextRunner.run((context) -> {
			Supervisor supervisor = context.getBean(Supervisor.class);
			await().atMost(WAIT).until(() -> FlakyService.runs.get() == 2 && phase(supervisor) == Phase.RUNNING);
			SupervisionStatus status = supervisor.status("flaky");
			assertThat(status.restarts()).containsExactly(entry(RunEnding.ERROR, 1L));
			assertThat(status.lastEnding()).isEqualTo(RunEnding.ERROR);
			assertThat(context.getBean(ManagedMicroService.class).isRunning()).isTrue();
			assertThat(context.getBean(ButlerEndpoint.class).component("flaky", null).supervision())
				.isEqualTo(supervisor.status("flaky"));
		});
	}

	@Test
	void serviceFailingEveryRunShouldBeRestartedMaxRestartsTimesThenLeftDownWithHealthDown() {
		FlakyService.failingRuns.set(Integer.MAX_VALUE);
		this.contextRunner.withPropertyValues("butler.services.flaky.max-restarts=3").run((context) -> {
			Supervisor supervisor = context.getBean(Supervisor.class);
			await().atMost(WAIT).until(() -> phase(supervisor) == Phase.GAVE_UP);
			SupervisionStatus status = supervisor.status("flaky");
			assertThat(FlakyService.runs.get()).as("the first run and three restarts").isEqualTo(4);
			assertThat(status.totalRestarts()).isEqualTo(3);
			assertThat(status.giveUps()).containsEntry(RunEnding.ERROR, 1L);
			assertThat(status.gaveUpBecause()).isEqualTo("more than 3 restarts within 1m");
			Health health = context.getBean(ButlerHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails().get("flaky").toString()).contains("gaveUpBecause=more than 3 restarts");
			Thread.sleep(200);
			assertThat(FlakyService.runs.get()).as("no restart after giving up").isEqualTo(4);
		});
	}

	@Test
	void warmUpFailuresOfRestartsShouldCountAsCrashes() {
		FlakyService.failingRuns.set(1);
		FlakyService.failingWarmUps.set(2);
		this.contextRunner.run((context) -> {
			Supervisor supervisor = context.getBean(Supervisor.class);
			await().atMost(WAIT).until(() -> FlakyService.runs.get() == 2 && phase(supervisor) == Phase.RUNNING);
			assertThat(supervisor.status("flaky").restarts()).containsEntry(RunEnding.ERROR, 1L)
				.containsEntry(RunEnding.CRASH, 2L);
		});
	}

	@Test
	void transientServiceFinishingOkShouldNotBeRestarted() {
		FlakyService.endOk = true;
		this.contextRunner.run((context) -> {
			Supervisor supervisor = context.getBean(Supervisor.class);
			await().atMost(WAIT).until(() -> supervisor.status("flaky").lastEnding() == RunEnding.NORMAL);
			Thread.sleep(200);
			assertThat(phase(supervisor)).isEqualTo(Phase.STOPPED);
			assertThat(FlakyService.runs.get()).isEqualTo(1);
			assertThat(context.getBean(ButlerHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void permanentServiceFinishingOkShouldBeRestarted() {
		FlakyService.endOk = true;
		this.contextRunner.withPropertyValues("butler.services.flaky.restart=permanent").run((context) -> {
			Supervisor supervisor = context.getBean(Supervisor.class);
			await().atMost(WAIT).until(() -> FlakyService.runs.get() >= 3);
			assertThat(supervisor.status("flaky").restarts()).containsKey(RunEnding.NORMAL);
		});
	}

	@Test
	void pendingRestartShouldBeCancelledWhenTheApplicationStops() {
		FlakyService.failingRuns.set(1);
		CountDownLatch closed = new CountDownLatch(1);
		this.contextRunner.withPropertyValues("butler.supervision.backoff.min=2s", "butler.supervision.backoff.max=2s")
			.run((context) -> {
				Supervisor supervisor = context.getBean(Supervisor.class);
				await().atMost(WAIT).until(() -> phase(supervisor) == Phase.RESTARTING);
				assertThat(supervisor.status("flaky").nextAttempt()).isNotNull();
				context.close();
				assertThat(phase(supervisor)).isEqualTo(Phase.STOPPED);
				closed.countDown();
			});
		assertThat(closed.getCount()).isZero();
		assertThat(FlakyService.runs.get()).isEqualTo(1);
	}

	@Test
	void serviceStoppedOnRequestShouldNotBeRestarted() {
		this.contextRunner.withPropertyValues("butler.services.flaky.restart=permanent").run((context) -> {
			Supervisor supervisor = context.getBean(Supervisor.class);
			await().atMost(WAIT).until(() -> phase(supervisor) == Phase.RUNNING);
			CountDownLatch stopped = new CountDownLatch(1);
			context.getBean(ManagedMicroService.class).stop(stopped::countDown);
			assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
			await().atMost(WAIT).until(() -> supervisor.status("flaky").lastEnding() == RunEnding.STOPPED);
			Thread.sleep(200);
			assertThat(phase(supervisor)).isEqualTo(Phase.STOPPED);
			assertThat(FlakyService.runs.get()).isEqualTo(1);
		});
	}

	@Test
	void supervisionShouldBeOffWhenDisabled() {
		this.contextRunner.withPropertyValues("butler.supervision.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(Supervisor.class));
	}

	@Test
	void serviceKeysShouldOverrideTheSupervisionDefaultsOneByOne() {
		this.contextRunner
			.withPropertyValues("butler.supervision.max-restarts=7", "butler.supervision.backoff.random-factor=0.5",
					"butler.services.flaky.restart=temporary", "butler.services.flaky.max-restarts=2",
					"butler.services.flaky.backoff.max=1s")
			.run((context) -> {
				RestartPolicy policy = context.getBean(ButlerProperties.class).restartPolicy("flaky");
				assertThat(policy).isEqualTo(new RestartPolicy(RestartType.TEMPORARY,
						new RestartIntensity(2, Duration.ofSeconds(60)),
						new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), 0.5, Duration.ofSeconds(60))));
				assertThat(context.getBean(ButlerProperties.class).restartPolicy("other").type())
					.isEqualTo(RestartType.TRANSIENT);
			});
	}

	@Test
	void shutdownWhenFinishedShouldMakeTemporaryTheDefaultRestartType() {
		this.contextRunner.withPropertyValues("butler.shutdown-when-finished=true").run((context) -> {
			ButlerProperties properties = context.getBean(ButlerProperties.class);
			assertThat(properties.restartPolicy("flaky").type()).isEqualTo(RestartType.TEMPORARY);
		});
	}

	@Test
	void badBackoffShouldFailStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("butler.services.flaky.backoff.random-factor=2")
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(IllegalArgumentException.class)
				.hasStackTraceContaining(ServiceConfigurationException.class.getName() + ": Invalid value 'min=PT0.01S, "
						+ "max=PT0.01S, random-factor=2.0, reset-after=PT1M' for property 'butler.services.flaky.backoff': "
						+ "The random factor must be from 0 to 1, was 2.0"));
	}

	@Test
	void typoInASupervisionKeyOfAServiceShouldFailStartUpNamingIt() {
		this.contextRunner.withPropertyValues("butler.services.flaky.backoff.mn=1s")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Unknown property 'butler.services.flaky.backoff.mn' of service 'flaky'"));
	}

	@Test
	void givingUpWithShutdownShouldCloseTheApplicationAndExitWithCodeOne() {
		this.contextRunner.withPropertyValues("butler.services.flaky.on-give-up=shutdown").run((context) -> {
			AtomicInteger exitCode = new AtomicInteger(-1);
			GiveUpActions actions = new GiveUpActions(context.getBean(ButlerProperties.class), new ApplicationExit(
					context.getBean(ButlerThreads.class), context.getSourceApplicationContext(), exitCode::set));
			actions.gaveUp(context.getBean(ManagedMicroService.class), gaveUp());
			await().atMost(WAIT).until(() -> exitCode.get() == 1);
			assertThat(context.getSourceApplicationContext().isActive()).isFalse();
		});
	}

	@Test
	void givingUpWithStayDownShouldLeaveTheApplicationRunning() {
		this.contextRunner.run((context) -> {
			AtomicInteger exitCode = new AtomicInteger(-1);
			GiveUpActions actions = new GiveUpActions(context.getBean(ButlerProperties.class), new ApplicationExit(
					context.getBean(ButlerThreads.class), context.getSourceApplicationContext(), exitCode::set));
			actions.gaveUp(context.getBean(ManagedMicroService.class), gaveUp());
			Thread.sleep(200);
			assertThat(exitCode.get()).isEqualTo(-1);
			assertThat(context.getSourceApplicationContext().isActive()).isTrue();
		});
	}

	private static SupervisionStatus gaveUp() {
		return new SupervisionStatus(RestartType.TRANSIENT, Phase.GAVE_UP, 1, null, RunEnding.CRASH, null,
				"more than 0 restarts within 60s", Map.of(), Map.of(RunEnding.CRASH, 1L));
	}

	private static Phase phase(Supervisor supervisor) {
		SupervisionStatus status = supervisor.status("flaky");
		return (status != null) ? status.phase() : null;
	}

	@ButlerService("flaky")
	static class FlakyService implements MicroService<Void> {

		static final AtomicInteger runs = new AtomicInteger();

		static final AtomicInteger failingRuns = new AtomicInteger();

		static final AtomicInteger failingWarmUps = new AtomicInteger();

		static volatile boolean endOk;

		private ServiceContext context;

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.context = context;
			if (runs.get() > 0 && failingWarmUps.getAndDecrement() > 0) {
				throw new IllegalStateException("Warm-up fails");
			}
		}

		@Override
		public void startActivities() {
			runs.incrementAndGet();
			if (failingRuns.getAndDecrement() > 0) {
				this.context.schedule("fail", () -> this.context.stop(List.of("boom")), Duration.ofMillis(20));
			}
			else if (endOk) {
				this.context.schedule("finish", this.context::stop, Duration.ofMillis(20));
			}
		}

	}

}
