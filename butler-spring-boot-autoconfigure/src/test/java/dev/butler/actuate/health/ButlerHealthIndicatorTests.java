package dev.butler.actuate.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.health.ButlerHealthContributorAutoConfiguration;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ComponentControlException;
import dev.butler.protocol.State;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the readiness rule of {@link ButlerHealthIndicator}: only a required component that
 * failed holds it DOWN; a finished one is done.
 */
class ButlerHealthIndicatorTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ButlerAutoConfiguration.class, ButlerHealthContributorAutoConfiguration.class))
		.withUserConfiguration(ServingService.class, BatchStage.class);

	@Test
	void batchStageThatFinishedWithErrorShouldBeDoneAndLeaveHealthUp() {
		this.contextRunner.run((context) -> {
			ButlerComponent batch = component(context.getBean(ButlerComponents.class), "batch");
			await().atMost(Duration.ofSeconds(10)).until(() -> batch.state() == State.FINISHED);
			Health health = context.getBean(ButlerHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(detail(health, "batch")).containsEntry("state", State.FINISHED)
				.containsEntry("done", true)
				.containsEntry("details", List.of("input ended early"));
			assertThat(detail(health, "serving")).containsEntry("state", State.RUNNING).doesNotContainKey("done");
		});
	}

	@Test
	void requiredServiceThatFailedToStartShouldMakeHealthDown() {
		this.contextRunner.withUserConfiguration(BrokenService.class)
			.withPropertyValues("butler.services.broken.auto-startup=false")
			.run((context) -> {
				ButlerComponent broken = component(context.getBean(ButlerComponents.class), "broken");
				assertThat(context.getBean(ButlerHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.UP);
				assertThatExceptionOfType(ComponentControlException.class).isThrownBy(broken::start);
				Health health = context.getBean(ButlerHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(detail(health, "broken")).containsEntry("state", State.ABORTED)
					.containsKey("details")
					.doesNotContainKey("done");
			});
	}

	@Test
	void optionalServiceThatFailedToStartShouldLeaveHealthUp() {
		this.contextRunner.withUserConfiguration(BrokenService.class)
			.withPropertyValues("butler.services.broken.optional=true")
			.run((context) -> {
				Health health = context.getBean(ButlerHealthIndicator.class).health(true);
				assertThat(detail(health, "broken")).containsEntry("state", State.ABORTED);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
			});
	}

	@Test
	void requiredServiceStoppedByTheOperatorShouldBeDoneAndLeaveHealthUp() {
		this.contextRunner.run((context) -> {
			ButlerComponent serving = component(context.getBean(ButlerComponents.class), "serving");
			serving.stop();
			Health health = context.getBean(ButlerHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(detail(health, "serving")).containsEntry("state", State.FINISHED).containsEntry("done", true);
		});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> detail(Health health, String id) {
		return (Map<String, Object>) health.getDetails().get(id);
	}

	private static ButlerComponent component(ButlerComponents components, String id) {
		return components.find(id).orElseThrow();
	}

	@ButlerService(id = "serving")
	static class ServingService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.createChannel("in", ZmqSocketType.PULL, (channel, message) -> {
			});
			context.addEndpoint("in", "tcp://127.0.0.1:*");
		}

	}

	@ButlerService(id = "batch")
	static class BatchStage implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.schedule("end", () -> context.stop(List.of("input ended early")), Duration.ofMillis(50));
		}

	}

	@ButlerService(id = "broken")
	static class BrokenService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
			throw new IllegalStateException("no database");
		}

	}

}
