package dev.butler.autoconfigure;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.TaskScheduler;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.protocol.Outcome;
import dev.butler.runtime.ButlerThreads;

/**
 * Exits the application once every component that starts with it has finished
 * ({@code butler.shutdown-when-finished}): exit code 0 when all ended with outcome OK, 1 otherwise.
 */
final class ShutdownWhenFinished implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(ShutdownWhenFinished.class);

	private static final Duration CHECK_INTERVAL = Duration.ofMillis(200);

	private final ButlerComponents components;

	private final TaskScheduler scheduler;

	private final ButlerThreads threads;

	private @Nullable ScheduledFuture<?> check;

	ShutdownWhenFinished(ButlerComponents components, TaskScheduler scheduler, ButlerThreads threads) {
		this.components = components;
		this.scheduler = scheduler;
		this.threads = threads;
	}

	@Override
	public synchronized void onApplicationEvent(ApplicationReadyEvent event) {
		if (this.check == null) {
			this.check = this.scheduler.scheduleWithFixedDelay(() -> exitIfFinished(event.getApplicationContext()),
					CHECK_INTERVAL);
		}
	}

	private void exitIfFinished(ConfigurableApplicationContext context) {
		boolean finished = true;
		boolean ok = true;
		for (ButlerComponent component : this.components) {
			if (component.isAutoStartup()) {
				finished &= component.state().isTerminal();
				ok &= component.outcome() == Outcome.OK;
			}
		}
		if (!finished) {
			return;
		}
		synchronized (this) {
			ScheduledFuture<?> current = this.check;
			if (current == null || current.isCancelled()) {
				return;
			}
			current.cancel(false);
		}
		int exitCode = ok ? 0 : 1;
		logger.info("Every Butler service finished" + (ok ? "" : ", not all with outcome OK") + "; exiting with code "
				+ exitCode);
		new ApplicationExit(this.threads, context, System::exit).exit(exitCode);
	}

}
