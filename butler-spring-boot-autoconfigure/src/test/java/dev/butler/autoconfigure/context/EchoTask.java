package dev.butler.autoconfigure.context;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.constraints.NotBlank;

import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

/**
 * A task service for context tests (registered as a prototype bean): answers each message on its ROUTER with its
 * prefix before it, until stopped.
 */
@ButlerService(oid = "1.3.6.1.4.1.32473.1.7", name = "test.echo-task", version = "1.0.0",
		classification = "test/echo", description = "Echo task for context tests", vendor = "7ab3c2b4-1d4e-5c7a-9a3e-0a1b2c3d4e5f")
class EchoTask implements MicroService<EchoTask.Config> {

	@Override
	public void initialize(Config config, ServiceContext context) {
		context.createChannel("echo", ZmqSocketType.ROUTER, (channel, message) -> {
			List<byte[]> reply = new ArrayList<>(message);
			reply.set(reply.size() - 1, (config.prefix() + new String(message.get(message.size() - 1), StandardCharsets.UTF_8))
				.getBytes(StandardCharsets.UTF_8));
			channel.send(reply);
		});
		context.addEndpoint("echo", config.address());
	}

	record Config(@NotBlank String address, String prefix) {

	}

}
