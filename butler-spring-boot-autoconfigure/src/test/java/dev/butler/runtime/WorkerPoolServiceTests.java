package dev.butler.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.control.ManagedMicroService;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.service.WorkerPool;
import dev.butler.service.WorkerPoolOptions;
import dev.butler.service.WorkerPoolSnapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that a service's worker pool runs its work beside the service's loop, drains when the
 * service stops, before its resources are released, and reports the failures it kept.
 */
class WorkerPoolServiceTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class));

	@Test
	void resultsShouldBeHandedBackToTheLoopAndKeptFailuresReportedWhenTheServiceStops() {
		this.contextRunner.withUserConfiguration(ResizerService.class).run((context) -> {
			ResizerService service = context.getBean(ResizerService.class);
			ManagedMicroService managed = context.getBean(ManagedMicroService.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> service.results.size() == 3);
			assertThat(service.results).containsExactlyInAnyOrder("image 1 on butler-resizer",
					"image 2 on butler-resizer", "image 3 on butler-resizer");
			assertThat(service.workerThreads).allMatch((name) -> name.matches("butler-pool-resizer-resize-[12]"));
			await().atMost(Duration.ofSeconds(10)).until(() -> pool(managed).errors() == 1);
			WorkerPoolSnapshot running = pool(managed);
			assertThat(running.state()).isEqualTo(WorkerPoolSnapshot.State.RUNNING);
			assertThat(running.completed()).isEqualTo(3);
			managed.stop();
			assertThat(service.calls).containsExactly("stopActivities", "last task", "releaseResources",
					"cleanup");
			assertThat(managed.outcome()).isEqualTo(Outcome.OK);
			assertThat(managed.details())
				.containsExactly("Task of worker pool 'resize' failed: IllegalStateException: corrupt image");
			assertThat(managed.statistics().recentErrors()).singleElement().satisfies((error) -> {
				assertThat(error.phase()).isEqualTo("pool");
				assertThat(error.details())
					.containsExactly("Task of worker pool 'resize' failed: IllegalStateException: corrupt image");
			});
		});
	}

	@Test
	void invalidOptionsShouldFailTheStartNamingTheServiceThePoolAndTheOption() {
		this.contextRunner.withUserConfiguration(MisconfiguredService.class)
			.withPropertyValues("butler.services.misconfigured.optional=true")
			.run((context) -> {
				ManagedMicroService managed = context.getBean(ManagedMicroService.class);
				assertThat(managed.state()).isEqualTo(State.ABORTED);
				assertThat(managed.details()).first()
					.isEqualTo("IllegalArgumentException: Invalid options of worker pool 'resize' of service "
							+ "'misconfigured': 'soft_cap' must not be less than 'workers' (2), got 1");
			});
	}

	@Test
	void aPoolCreatedAfterTheResourcesOpenedShouldFailTheStart() {
		this.contextRunner.withUserConfiguration(LateService.class)
			.withPropertyValues("butler.services.late.optional=true")
			.run((context) -> {
				ManagedMicroService managed = context.getBean(ManagedMicroService.class);
				assertThat(managed.state()).isEqualTo(State.ABORTED);
				assertThat(managed.details()).first()
					.isEqualTo("IllegalStateException: Worker pool 'resize' of service 'late' must be created in "
							+ "initialize or acquireResources, before the service's resources open");
			});
	}

	@Test
	void aFailedWarmUpShouldDrainThePoolBeforeReleasingResources() {
		this.contextRunner.withUserConfiguration(FailingService.class)
			.withPropertyValues("butler.services.failing.optional=true")
			.run((context) -> {
				FailingService service = context.getBean(FailingService.class);
				assertThat(context.getBean(ManagedMicroService.class).state()).isEqualTo(State.ABORTED);
				assertThat(service.calls).containsExactly("startActivities", "queued task", "releaseResources");
			});
	}

	private static WorkerPoolSnapshot pool(ManagedMicroService managed) {
		return managed.resources()
			.stream()
			.filter(WorkerPoolSnapshot.class::isInstance)
			.map(WorkerPoolSnapshot.class::cast)
			.findFirst()
			.orElseThrow();
	}

	@ButlerService("resizer")
	static class ResizerService implements MicroService<Void> {

		final List<String> results = new CopyOnWriteArrayList<>();

		final List<String> workerThreads = new CopyOnWriteArrayList<>();

		final List<String> calls = new CopyOnWriteArrayList<>();

		private ServiceContext context;

		private WorkerPool pool;

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.context = context;
			this.pool = context.workerPool("resize", WorkerPoolOptions.of(2));
			context.addCleanup("cleanup", () -> this.calls.add("cleanup"));
		}

		@Override
		public void startActivities() {
			for (int i = 1; i <= 3; i++) {
				String image = "image " + i;
				this.pool.submit(() -> {
					this.workerThreads.add(Thread.currentThread().getName());
					return image;
				})
					.thenAcceptAsync((result) -> this.results.add(result + " on " + Thread.currentThread().getName()),
							this.context.loopExecutor());
			}
			this.pool.execute(() -> {
				throw new IllegalStateException("corrupt image");
			});
		}

		@Override
		public void stopActivities() {
			this.calls.add("stopActivities");
			this.pool.execute(() -> this.calls.add("last task"));
		}

		@Override
		public void releaseResources() {
			this.calls.add("releaseResources");
		}

	}

	@ButlerService("misconfigured")
	static class MisconfiguredService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.workerPool("resize", WorkerPoolOptions.of(2).withCaps(1, 4));
		}

	}

	@ButlerService("late")
	static class LateService implements MicroService<Void> {

		private ServiceContext context;

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.context = context;
		}

		@Override
		public void startActivities() {
			this.context.workerPool("resize", WorkerPoolOptions.of(1));
		}

	}

	@ButlerService("failing")
	static class FailingService implements MicroService<Void> {

		final List<String> calls = new CopyOnWriteArrayList<>();

		private final CountDownLatch failed = new CountDownLatch(1);

		private WorkerPool pool;

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.pool = context.workerPool("resize", WorkerPoolOptions.of(1));
		}

		@Override
		public void startActivities() {
			this.calls.add("startActivities");
			this.pool.execute(() -> {
				try {
					this.failed.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				this.calls.add("queued task");
			});
			this.failed.countDown();
			throw new IllegalStateException("Failing in startActivities");
		}

		@Override
		public void releaseResources() {
			this.calls.add("releaseResources");
		}

	}

}
