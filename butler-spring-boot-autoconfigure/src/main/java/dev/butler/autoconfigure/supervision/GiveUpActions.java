package dev.butler.autoconfigure.supervision;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.butler.autoconfigure.ApplicationExit;
import dev.butler.autoconfigure.ButlerProperties;
import dev.butler.autoconfigure.ButlerProperties.GiveUpAction;
import dev.butler.control.ManagedMicroService;
import dev.butler.supervision.SupervisionStatus;
import dev.butler.supervision.Supervisor;

/**
 * Carries out {@code on-give-up}: a service left down makes health DOWN by itself; for
 * {@link GiveUpAction#SHUTDOWN} the application is closed and the process exits with code 1.
 */
final class GiveUpActions implements Supervisor.GiveUpListener {

	private static final Log logger = LogFactory.getLog(GiveUpActions.class);

	private final ButlerProperties properties;

	private final ApplicationExit exit;

	GiveUpActions(ButlerProperties properties, ApplicationExit exit) {
		this.properties = properties;
		this.exit = exit;
	}

	@Override
	public void gaveUp(ManagedMicroService service, SupervisionStatus status) {
		if (this.properties.onGiveUp(service.id()) != GiveUpAction.SHUTDOWN) {
			return;
		}
		logger.error("Shutting the application down with exit code 1: Butler service '" + service.id()
				+ "' is down for good (" + status.gaveUpBecause() + ")");
		this.exit.exit(1);
	}

}
