package dev.butler.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.queue.DirectoryQueue;
import dev.butler.queue.QueueWatcher;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that every thread of the runtime comes from the {@link ButlerThreads} bean and ends when
 * the context closes, and that a thread which does not end is reported rather than leaked silently.
 */
@ExtendWith(OutputCaptureExtension.class)
class ButlerThreadsLifecycleTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class));

	@TempDir
	Path spool;

	@Test
	void closeOfContextShouldEndEveryButlerThreadItStarted() {
		Set<Thread> before = butlerThreads();
		this.contextRunner.withUserConfiguration(BusyService.class)
			.withPropertyValues("butler.spool-dir=" + this.spool)
			.run((context) -> {
				BusyService busy = context.getBean(BusyService.class);
				assertThat(busy.ticked.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(busy.watching).isTrue();
				assertThat(names(started(before))).contains("butler-busy", "butler-controller",
						"butler-queue-watch-busy")
					.anySatisfy((name) -> assertThat(name).startsWith("butler-queue-sync-"))
					.anySatisfy((name) -> assertThat(name).startsWith("butler-scheduler-"));
				context.close();
				assertThat(names(started(before))).isEmpty();
			});
	}

	@Test
	void serviceThatDoesNotStopInTimeShouldBeReportedWithWhereItIsWhenTheContextCloses(CapturedOutput output) {
		Set<Thread> before = butlerThreads();
		this.contextRunner.withUserConfiguration(StuckService.class)
			.withPropertyValues("butler.services.stuck.stop-timeout=300ms")
			.run((context) -> {
				StuckService stuck = context.getBean(StuckService.class);
				try {
					assertThat(stuck.blocking.await(10, TimeUnit.SECONDS)).isTrue();
					context.close();
					assertThat(output)
						.contains("Butler service 'stuck' did not finish within 300 ms of STOP; its thread is at \n\tat ")
						.contains("Butler thread 'butler-stuck' did not end within 1000 ms and is left running, at")
						.contains("ButlerThreadsLifecycleTests$StuckService.block");
					assertThat(names(started(before))).containsExactly("butler-stuck");
				}
				finally {
					stuck.release.countDown();
				}
			});
	}

	private static Set<Thread> butlerThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith("butler-"))
			.collect(Collectors.toSet());
	}

	private static Set<Thread> started(Set<Thread> before) {
		Set<Thread> now = butlerThreads();
		now.removeAll(before);
		return now;
	}

	private static List<String> names(Set<Thread> threads) {
		return threads.stream().map(Thread::getName).sorted().toList();
	}

	/**
	 * Uses a thread of every kind: its loop, a queue watcher, the queue sync pool for a group commit
	 * and the scheduler for a periodic action.
	 */
	@ButlerService("busy")
	static class BusyService implements MicroService<Void> {

		final CountDownLatch ticked = new CountDownLatch(3);

		volatile boolean watching;

		private QueueWatcher watcher;

		@Override
		public void initialize(Void config, ServiceContext context) throws Exception {
			DirectoryQueue queue = DirectoryQueue.open(context.spoolDirectory().resolve("busy"), null,
					context.queueSyncExecutor());
			List<byte[]> group = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				group.add(new byte[] { (byte) i });
			}
			queue.enqueueAll(group);
			this.watcher = QueueWatcher.watch(queue.incoming(), context, "busy-in", Duration.ofSeconds(30), () -> {
			});
			this.watching = this.watcher.isWatching();
			context.scheduleAtFixedRate("tick", this.ticked::countDown, Duration.ofMillis(20));
		}

		@Override
		public void stopActivities() {
			this.watcher.close();
		}

	}

	@ButlerService("stuck")
	static class StuckService implements MicroService<Void> {

		final CountDownLatch blocking = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.schedule("block", this::block, Duration.ofMillis(10));
		}

		void block() {
			this.blocking.countDown();
			try {
				this.release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
