package dev.butler.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.butler.service.ButlerService;
import dev.butler.service.ConfigurationRequest;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

/**
 * A small service for tests: echoes messages on a ROUTER and counts ticks of a periodic action.
 */
@ButlerService(id = "echo", oid = "1.3.6.1.4.1.32473.1.1", name = "test.echo", version = "1.2.3",
		classification = "test/echo", description = "Echo for tests")
class EchoService implements MicroService<EchoService.Config> {

	final AtomicInteger ticks = new AtomicInteger();

	final AtomicInteger stops = new AtomicInteger();

	volatile Thread loopThread;

	volatile Thread tickThread;

	volatile String prefix;

	@Override
	public void initialize(Config config, ServiceContext context) {
		this.prefix = config.prefix();
		context.createChannel("echo", ZmqSocketType.ROUTER, (channel, message) -> {
			this.loopThread = Thread.currentThread();
			List<byte[]> reply = new ArrayList<>(message);
			reply.set(reply.size() - 1, (this.prefix + new String(message.get(message.size() - 1), StandardCharsets.UTF_8))
				.getBytes(StandardCharsets.UTF_8));
			channel.send(reply);
		});
		context.addEndpoint("echo", config.address());
		context.scheduleAtFixedRate("tick", () -> {
			this.tickThread = Thread.currentThread();
			this.ticks.incrementAndGet();
		}, config.tick());
	}

	@Override
	public void stopActivities() {
		this.stops.incrementAndGet();
	}

	@Override
	public void handleConfigRequest(ConfigurationRequest request) {
		Object prefix = request.options().get("prefix");
		if (!(prefix instanceof String text)) {
			throw new IllegalArgumentException("Option 'prefix' must be a string");
		}
		this.prefix = text;
	}

	record Config(@DefaultValue("tcp://127.0.0.1:*") @NotBlank String address, @DefaultValue("50ms") Duration tick,
			@DefaultValue("") String prefix) {

	}

}
