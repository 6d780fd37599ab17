package dev.butler.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ButlerThreads}: named threads tracked until they end, pooled loop threads named
 * for the loop they run, a bounded sync pool, and a close that waits a bounded time and reports what
 * is left running.
 */
@ExtendWith(OutputCaptureExtension.class)
class ButlerThreadsTests {

	@Test
	void startShouldRunTheTaskOnAThreadOfTheGivenNameAndDaemonFlag() throws Exception {
		try (ButlerThreads threads = new ButlerThreads()) {
			AtomicReference<Thread> ran = new AtomicReference<>();
			Thread daemon = threads.start("butler-test", true, () -> ran.set(Thread.currentThread()));
			daemon.join(5000);
			assertThat(ran.get()).isSameAs(daemon);
			assertThat(daemon.getName()).isEqualTo("butler-test");
			assertThat(daemon.isDaemon()).isTrue();
			Thread keeper = threads.start("butler-keeper", false, () -> {
			});
			keeper.join(5000);
			assertThat(keeper.isDaemon()).isFalse();
			assertThat(threads.running()).isEmpty();
		}
	}

	@Test
	void closeShouldWaitForThreadsThatAreEnding() {
		ButlerThreads threads = new ButlerThreads(Duration.ofSeconds(10));
		Thread slow = threads.start("butler-slow", true, () -> sleep(300));
		threads.close();
		assertThat(slow.isAlive()).isFalse();
		assertThat(threads.running()).isEmpty();
	}

	@Test
	void closeShouldReportAThreadStillRunningAfterTheStopTimeoutWithWhereItIs(CapturedOutput output)
			throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		ButlerThreads threads = new ButlerThreads(Duration.ofMillis(200));
		Thread stuck = threads.start("butler-stuck", true, () -> blockUntil(release));
		try {
			long started = System.nanoTime();
			threads.close();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
			assertThat(threads.running()).containsExactly(stuck);
			assertThat(output).contains("Butler thread 'butler-stuck' did not end within 200 ms and is left running")
				.contains("ButlerThreadsTests.blockUntil");
		}
		finally {
			release.countDown();
		}
		stuck.join(5000);
		assertThat(threads.running()).isEmpty();
	}

	@Test
	void closeFromAThreadOfItsOwnShouldNeitherWaitForNorReportIt(CapturedOutput output) throws Exception {
		ButlerThreads threads = new ButlerThreads(Duration.ofSeconds(10));
		Thread closer = threads.start("butler-closer", true, threads::close);
		closer.join(5000);
		assertThat(closer.isAlive()).isFalse();
		assertThat(output).doesNotContain("butler-closer");
	}

	@Test
	void startAfterCloseShouldFailNamingTheThread() {
		ButlerThreads threads = new ButlerThreads();
		threads.close();
		assertThatIllegalStateException().isThrownBy(() -> threads.start("butler-late", true, () -> {
		})).withMessageContaining("'butler-late'");
	}

	@Test
	void queueSyncShouldRunTasksOnAtMostEightNamedDaemonThreadsAndEndThemOnClose() throws Exception {
		ButlerThreads threads = new ButlerThreads(Duration.ofSeconds(10));
		int tasks = 20;
		CountDownLatch started = new CountDownLatch(ButlerThreads.QUEUE_SYNC_THREADS);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(tasks);
		for (int i = 0; i < tasks; i++) {
			threads.queueSync().execute(() -> {
				started.countDown();
				blockUntil(release);
				done.countDown();
			});
		}
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		List<Thread> running = threads.running();
		assertThat(running).hasSize(ButlerThreads.QUEUE_SYNC_THREADS)
			.allSatisfy((thread) -> assertThat(thread.getName()).startsWith("butler-queue-sync-"))
			.allSatisfy((thread) -> assertThat(thread.isDaemon()).isTrue());
		release.countDown();
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		threads.close();
		assertThat(running).noneMatch(Thread::isAlive);
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> threads.queueSync().execute(() -> {
			}));
	}

	@Test
	void startLoopShouldRunEachLoopOnADaemonThreadNamedForItAndTakeAnIdleThreadForTheNext() throws Exception {
		try (ButlerThreads threads = new ButlerThreads()) {
			CompletableFuture<Thread> first = new CompletableFuture<>();
			CompletableFuture<String> firstName = new CompletableFuture<>();
			threads.startLoop("butler-first", () -> {
				firstName.complete(Thread.currentThread().getName());
				first.complete(Thread.currentThread());
			});
			Thread loopThread = first.get(10, TimeUnit.SECONDS);
			assertThat(firstName.get()).isEqualTo("butler-first");
			assertThat(loopThread.isDaemon()).isTrue();
			awaitIdle(loopThread);
			assertThat(loopThread.getName()).startsWith("butler-loop-");
			assertThat(threads.running()).containsExactly(loopThread);
			CompletableFuture<Thread> second = new CompletableFuture<>();
			CompletableFuture<String> secondName = new CompletableFuture<>();
			threads.startLoop("butler-second", () -> {
				secondName.complete(Thread.currentThread().getName());
				second.complete(Thread.currentThread());
			});
			assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(loopThread);
			assertThat(secondName.get()).isEqualTo("butler-second");
		}
	}

	@Test
	void startLoopWhileAnotherLoopRunsShouldRunBothAtOnce() throws Exception {
		try (ButlerThreads threads = new ButlerThreads()) {
			CountDownLatch bothRunning = new CountDownLatch(2);
			CountDownLatch release = new CountDownLatch(1);
			threads.startLoop("butler-one", () -> {
				bothRunning.countDown();
				blockUntil(release);
			});
			threads.startLoop("butler-two", () -> {
				bothRunning.countDown();
				blockUntil(release);
			});
			try {
				assertThat(bothRunning.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(threads.running()).extracting(Thread::getName)
					.containsExactlyInAnyOrder("butler-one", "butler-two");
			}
			finally {
				release.countDown();
			}
		}
	}

	@Test
	void closeShouldEndIdleLoopThreadsAndReportALoopStillRunningByItsName(CapturedOutput output) throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		ButlerThreads threads = new ButlerThreads(Duration.ofMillis(200));
		CountDownLatch blocking = new CountDownLatch(1);
		threads.startLoop("butler-stuck", () -> {
			blocking.countDown();
			blockUntil(release);
		});
		try {
			assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<Thread> done = new CompletableFuture<>();
			threads.startLoop("butler-done", () -> done.complete(Thread.currentThread()));
			Thread idle = done.get(10, TimeUnit.SECONDS);
			awaitIdle(idle);
			threads.close();
			assertThat(idle.isAlive()).isFalse();
			assertThat(threads.running()).extracting(Thread::getName).containsExactly("butler-stuck");
			assertThat(output).contains("Butler thread 'butler-stuck' did not end within 200 ms and is left running")
				.contains("ButlerThreadsTests.blockUntil")
				.doesNotContain("butler-loop-");
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void startLoopAfterCloseShouldFailNamingTheLoop() {
		ButlerThreads threads = new ButlerThreads();
		threads.close();
		assertThatIllegalStateException().isThrownBy(() -> threads.startLoop("butler-late", () -> {
		})).withMessageContaining("'butler-late'");
	}

	/**
	 * Wait until a loop thread waits for its next loop.
	 */
	private static void awaitIdle(Thread loopThread) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> loopThread.getName().startsWith("butler-loop-")
					&& loopThread.getState() == Thread.State.TIMED_WAITING);
	}

	static void blockUntil(CountDownLatch release) {
		try {
			release.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
