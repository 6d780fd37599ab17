package dev.butler.autoconfigure.supervision;

import java.util.function.IntConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.butler.autoconfigure.ButlerProperties;
import dev.butler.autoconfigure.ButlerProperties.GiveUpAction;
import dev.butler.control.ManagedMicroService;
import dev.butler.runtime.ButlerThreads;
import dev.butler.supervision.SupervisionStatus;
import dev.butler.supervision.Supervisor;

/**
 * Carries out {@code on-give-up}: a service left down makes health DOWN by itself; for
 * {@link GiveUpAction#SHUTDOWN} the application is closed and the process exits with code 1.
 */
final class GiveUpActions implements Supervisor.GiveUpListener {

	private static final Log logger = LogFactory.getLog(GiveUpActions.class);

	private final ButlerProperties properties;

	private final ButlerThreads threads;

	private final ConfigurableApplicationContext context;

	private final IntConsumer exit;

	GiveUpActions(ButlerProperties properties, ButlerThreads threads, ConfigurableApplicationContext context,
			IntConsumer exit) {
		this.properties = properties;
		this.threads = threads;
		this.context = context;
		this.exit = exit;
	}

	@Override
	public void gaveUp(ManagedMicroService service, SupervisionStatus status) {
		if (this.properties.onGiveUp(service.id()) != GiveUpAction.SHUTDOWN) {
			return;
		}
		logger.error("Shutting the application down with exit code 1: Butler service '" + service.id()
				+ "' is down for good (" + status.gaveUpBecause() + ")");
		// Not on the thread that saw the end: closing the context stops the services and the scheduler.
		this.threads.start("butler-shutdown", false,
				() -> this.exit.accept(SpringApplication.exit(this.context, () -> 1)));
	}

}
