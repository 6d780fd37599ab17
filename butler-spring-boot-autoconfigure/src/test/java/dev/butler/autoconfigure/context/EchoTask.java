package dev.butler.autoconfigure.context;

import java.nio.charset.StandardCharsets;

import jakarta.validation.constraints.NotBlank;
import org.zeromq.SocketType;

import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

/**
 * A task service for context tests (registered as a prototype bean): answers each message on its ROUTER with its
 * prefix before it, until stopped.
 */
@ButlerService(oid = "1.3.6.1.4.1.32473.1.7", name = "test.echo-task", version = "1.0.0",
		classification = "test/echo", description = "Echo task for context tests", vendor = "7ab3c2b4-1d4e-5c7a-9a3e-0a1b2c3d4e5f")
class EchoTask implements MicroService<EchoTask.Config> {

	@Override
	public void initialize(Config config, ServiceContext context) {
		context.createChannel("echo", SocketType.ROUTER, (channel, message) -> {
			message.getLast()
				.reset(config.prefix() + message.getLast().getString(StandardCharsets.UTF_8));
			channel.send(message);
		});
		context.addEndpoint("echo", config.address());
	}

	record Config(@NotBlank String address, String prefix) {

	}

}
