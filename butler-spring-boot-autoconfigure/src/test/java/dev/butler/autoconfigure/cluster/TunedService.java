package dev.butler.autoconfigure.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

/**
 * A service for cluster tests that records the batch size each of its runs was given.
 */
@ButlerService(oid = "1.3.6.1.4.1.32473.1.10", name = "test.tuned", version = "1.0.0", classification = "test/tuned",
		description = "Tuned service for cluster tests", vendor = "7ab3c2b4-1d4e-5c7a-9a3e-0a1b2c3d4e5f")
class TunedService implements MicroService<TunedService.Config> {

	final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

	@Override
	public void initialize(Config config, ServiceContext context) {
		this.batchSizes.add(config.batchSize());
	}

	record Config(@DefaultValue("50") int batchSize) {

	}

}
