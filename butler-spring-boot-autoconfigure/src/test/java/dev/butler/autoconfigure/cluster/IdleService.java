package dev.butler.autoconfigure.cluster;

import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

/**
 * A service for cluster tests that does nothing but run until stopped.
 */
@ButlerService(oid = "1.3.6.1.4.1.32473.1.8", name = "test.idle", version = "1.0.0", classification = "test/idle",
		description = "Idle service for cluster tests", vendor = "7ab3c2b4-1d4e-5c7a-9a3e-0a1b2c3d4e5f")
class IdleService implements MicroService<Void> {

	@Override
	public void initialize(Void config, ServiceContext context) {
	}

}
