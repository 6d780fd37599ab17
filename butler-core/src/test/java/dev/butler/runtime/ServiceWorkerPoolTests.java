package dev.butler.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;

import dev.butler.service.WorkerPoolOptions;
import dev.butler.service.WorkerPoolSnapshot;
import dev.butler.service.WorkerPoolSnapshot.State;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ServiceWorkerPool} on real threads: caps, rejection, failures kept or observed,
 * and draining when the service stops.
 */
class ServiceWorkerPoolTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ButlerThreads threads = new ButlerThreads(Duration.ofSeconds(5));

	private final List<Step> steps = new ArrayList<>();

	private final List<ServiceWorkerPool> pools = new ArrayList<>();

	@AfterEach
	void releaseAndClose() {
		this.steps.forEach(Step::release);
		this.pools.forEach((pool) -> pool.drain(System.nanoTime()));
		this.threads.close();
		assertThat(this.threads.running()).isEmpty();
	}

	@Test
	void workersShouldBeNamedForTheServiceAndPoolAndRunTasks() throws Exception {
		ServiceWorkerPool pool = pool(WorkerPoolOptions.of(2), null);
		pool.open();
		CompletableFuture<String> result = pool.submit(() -> Thread.currentThread().getName());
		assertThat(result.get(10, TimeUnit.SECONDS)).matches("butler-pool-svc-resize-[12]");
		assertThat(pool.drain(System.nanoTime())).isEmpty();
		WorkerPoolSnapshot snapshot = pool.describe();
		assertThat(snapshot.state()).isEqualTo(State.STOPPED);
		assertThat(snapshot.completed()).isOne();
		assertThat(snapshot.kind()).isEqualTo("pool");
		assertThat(snapshot.group()).isEqualTo("pools");
		assertThat(List.of(snapshot.workers(), snapshot.softCap(), snapshot.hardCap())).containsExactly(2, 4, 8);
	}

	@Test
	void workPastTheHardCapShouldBeRejectedNamingTheServiceThePoolAndItsCaps() throws Exception {
		ServiceWorkerPool pool = pool(new WorkerPoolOptions(1, 2, 4, Duration.ofSeconds(5)), null);
		pool.open();
		Step running = step(pool);
		running.started.await(10, TimeUnit.SECONDS);
		for (int i = 0; i < 4; i++) {
			step(pool);
		}
		assertThat(pool.describe().queued()).isEqualTo(4);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.submit(() -> "late"))
			.withMessage("Worker pool 'resize' of service 'svc' is full: 4 tasks queued, its hard cap (soft cap 2, "
					+ "1 of 1 workers busy)");
		WorkerPoolSnapshot snapshot = pool.describe();
		assertThat(snapshot.active()).isOne();
		assertThat(snapshot.queued()).isEqualTo(4);
		assertThat(snapshot.rejected()).isOne();
		this.steps.forEach(Step::release);
		assertThat(pool.drain(System.nanoTime())).isEmpty();
		assertThat(pool.describe().completed()).isEqualTo(5);
	}

	@Test
	void aBurstPastTheSoftCapShouldSpendAnAllowanceEarnedBackOnlyBelowTheSoftCap() throws Exception {
		ServiceWorkerPool pool = pool(new WorkerPoolOptions(1, 2, 4, Duration.ofSeconds(5)), null);
		pool.open();
		Step first = step(pool);
		first.started.await(10, TimeUnit.SECONDS);
		List<Step> queued = List.of(step(pool), step(pool), step(pool), step(pool));
		first.release();
		queued.get(0).started.await(10, TimeUnit.SECONDS);
		queued.get(0).release();
		queued.get(1).started.await(10, TimeUnit.SECONDS);
		assertThat(pool.describe().queued()).isEqualTo(2);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.submit(() -> "burst"))
			.withMessage("Worker pool 'resize' of service 'svc' is full: 2 tasks queued, past its soft cap of 2 with "
					+ "its burst allowance spent (hard cap 4, 1 of 1 workers busy)");
		queued.get(1).release();
		queued.get(2).started.await(10, TimeUnit.SECONDS);
		assertThat(pool.describe().queued()).isOne();
		step(pool);
		step(pool);
		assertThat(pool.describe().queued()).isEqualTo(3);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.submit(() -> "burst"))
			.withMessageContaining("3 tasks queued, past its soft cap of 2 with its burst allowance spent");
		assertThat(pool.describe().rejected()).isEqualTo(2);
	}

	@Test
	void failuresWithoutAnObserverShouldBeKeptAndReportedWhenThePoolDrains() throws Exception {
		ServiceWorkerPool pool = pool(new WorkerPoolOptions(2, 16, 16, Duration.ofSeconds(5)), null);
		pool.open();
		List<CompletableFuture<Object>> failing = new ArrayList<>();
		for (int i = 1; i <= 12; i++) {
			String message = "boom " + i;
			failing.add(pool.submit(() -> {
				throw new IllegalStateException(message);
			}));
		}
		CompletableFuture<String> fine = pool.submit(() -> "fine");
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> failing.get(0).get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessage("boom 1");
		CompletableFuture.allOf(failing.toArray(CompletableFuture[]::new)).exceptionally((ex) -> null).join();
		assertThat(fine.get(10, TimeUnit.SECONDS)).isEqualTo("fine");
		List<String> report = pool.drain(System.nanoTime());
		assertThat(report).hasSize(11);
		assertThat(report.subList(0, 10))
			.allMatch((line) -> line.matches("Task of worker pool 'resize' failed: IllegalStateException: boom \\d+"));
		assertThat(report.get(10)).isEqualTo("Worker pool 'resize': 2 more tasks failed");
		WorkerPoolSnapshot snapshot = pool.describe();
		assertThat(snapshot.errors()).isEqualTo(12);
		assertThat(snapshot.completed()).isOne();
	}

	@Test
	void failuresWithAnObserverShouldGoToItAndNotBeReported() throws Exception {
		List<Throwable> observed = new CopyOnWriteArrayList<>();
		ServiceWorkerPool pool = pool(WorkerPoolOptions.of(1), observed::add);
		pool.open();
		CompletableFuture<Void> failed = pool.submit((Runnable) () -> {
			throw new IllegalArgumentException("bad input");
		});
		pool.execute(() -> {
			throw new IllegalStateException("no future");
		});
		await().atMost(WAIT).until(() -> observed.size() == 2);
		assertThat(failed).isCompletedExceptionally();
		assertThat(observed).extracting(Throwable::getMessage).containsExactly("bad input", "no future");
		assertThat(pool.drain(System.nanoTime())).isEmpty();
		assertThat(pool.describe().errors()).isEqualTo(2);
	}

	@Test
	void drainShouldRunWhatIsQueuedAndRejectWorkAfterTheStop() throws Exception {
		ServiceWorkerPool pool = pool(WorkerPoolOptions.of(1), null);
		pool.open();
		Step running = step(pool);
		running.started.await(10, TimeUnit.SECONDS);
		List<Step> queued = List.of(step(pool), step(pool));
		pool.close("Service 'svc' stopped");
		assertThat(pool.describe().state()).isEqualTo(State.DRAINING);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.submit(() -> "late"))
			.withMessage("Worker pool 'resize' of service 'svc' is stopped: it takes no more work");
		this.steps.forEach(Step::release);
		assertThat(pool.drain(System.nanoTime())).isEmpty();
		assertThat(queued).allMatch((step) -> step.future.isDone() && !step.future.isCompletedExceptionally());
		WorkerPoolSnapshot snapshot = pool.describe();
		assertThat(snapshot.state()).isEqualTo(State.STOPPED);
		assertThat(snapshot.completed()).isEqualTo(3);
		assertThat(snapshot.rejected()).isOne();
		assertThat(snapshot.queued()).isZero();
		assertThat(snapshot.active()).isZero();
	}

	@Test
	void drainPastItsTimeoutShouldDropTheQueueAndNameTheWorkersStillRunning() throws Exception {
		ServiceWorkerPool pool = pool(WorkerPoolOptions.of(1).withDrainTimeout(Duration.ofMillis(200)), null);
		pool.open();
		Step stuck = step(pool);
		stuck.started.await(10, TimeUnit.SECONDS);
		List<Step> queued = List.of(step(pool), step(pool));
		long started = System.nanoTime();
		List<String> report = pool.drain(started);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
		assertThat(report).containsExactly("Worker pool 'resize' did not drain within 200 ms: 1 task still running "
				+ "(butler-pool-svc-resize-1), 2 tasks dropped from the queue");
		assertThat(queued).allMatch((step) -> step.future.isCancelled());
		assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> queued.get(0).future.join());
		WorkerPoolSnapshot snapshot = pool.describe();
		assertThat(snapshot.state()).isEqualTo(State.ABANDONED);
		assertThat(snapshot.dropped()).isEqualTo(2);
		assertThat(snapshot.active()).isOne();
		stuck.release();
		assertThat(stuck.future.get(10, TimeUnit.SECONDS)).isEqualTo("done");
	}

	@Test
	void aPoolThatNeverStartedShouldDropItsQueueWhenDrained() {
		ServiceWorkerPool pool = pool(WorkerPoolOptions.of(1), null);
		CompletableFuture<String> queued = pool.submit(() -> "never");
		assertThat(pool.drain(System.nanoTime()))
			.containsExactly("Worker pool 'resize' never started: 1 task dropped");
		assertThat(queued).isCancelled();
		assertThat(this.threads.running()).isEmpty();
	}

	private ServiceWorkerPool pool(WorkerPoolOptions options, @Nullable Consumer<Throwable> observer) {
		ServiceWorkerPool pool = new ServiceWorkerPool("svc", "resize", options, observer, this.threads);
		this.pools.add(pool);
		return pool;
	}

	private Step step(ServiceWorkerPool pool) {
		Step step = new Step();
		step.future = pool.submit(() -> {
			step.started.countDown();
			step.released.await();
			return "done";
		});
		this.steps.add(step);
		return step;
	}

	/**
	 * A task that says when it starts and ends when released.
	 */
	static final class Step {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch released = new CountDownLatch(1);

		CompletableFuture<String> future;

		void release() {
			this.released.countDown();
		}

	}

}
