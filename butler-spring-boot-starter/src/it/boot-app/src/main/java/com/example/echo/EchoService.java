package com.example.echo;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

@ButlerService(id = "echo", oid = "1.3.6.1.4.1.32473.1.1", name = "example.echo", version = "1.0.0",
		vendor = "90ca7846-4948-5998-b367-8fc400f0f0bb", classification = "example/echo",
		description = "Echoes what it receives")
class EchoService implements MicroService<EchoService.Config> {

	private static final Log log = LogFactory.getLog(EchoService.class);

	@Override
	public void initialize(Config config, ServiceContext context) {
		context.createChannel("echo", ZmqSocketType.ROUTER, (channel, message) -> channel.send(message));
		context.addEndpoint("echo", config.address());
		context.scheduleAtFixedRate("heartbeat", () -> log.info("alive"), config.heartbeat());
	}

	record Config(@DefaultValue("tcp://127.0.0.1:5555") @NotBlank String address,
			@DefaultValue("10s") Duration heartbeat) {
	}

}
