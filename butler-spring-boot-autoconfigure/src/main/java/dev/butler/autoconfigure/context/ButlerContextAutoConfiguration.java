package dev.butler.autoconfigure.context;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.ButlerServices;
import dev.butler.autoconfigure.ConditionalOnButlerRuntime;
import dev.butler.autoconfigure.supervision.ButlerSupervisionAutoConfiguration;
import dev.butler.context.ContextBus;
import dev.butler.context.ContextControl;
import dev.butler.runtime.ButlerThreads;
import dev.butler.runtime.ServiceRuntime;
import dev.butler.zeromq.ZmqContext;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for
 * contexts: {@link ButlerContexts} runs the transactions of the contexts of
 * {@code butler.context.definitions}, and with {@code butler.context.bus.enabled=true} the
 * {@link ContextBus} takes requests for them over ZeroMQ.
 */
@AutoConfiguration(after = { ButlerAutoConfiguration.class, ButlerSupervisionAutoConfiguration.class })
@ConditionalOnButlerRuntime
@EnableConfigurationProperties(ButlerContextProperties.class)
public final class ButlerContextAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ButlerContexts butlerContexts(ConfigurableApplicationContext application, ButlerServices services,
			ButlerContextProperties properties) {
		return new ButlerContexts(application, services, properties);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "butler.context.bus.enabled")
	ContextBus butlerContextBus(ButlerContextProperties properties, ServiceRuntime runtime, ContextControl contexts,
			ZmqContext zmq, ButlerThreads threads) {
		ButlerContextProperties.Bus bus = properties.bus();
		runtime.ipc().checkProperty("butler.context.bus.frontend", bus.frontend());
		runtime.ipc().checkProperty("butler.context.bus.backend", bus.backend());
		ButlerContextProperties.Curve curve = bus.curve();
		return new ContextBus(zmq,
				new ContextBus.Endpoints(bus.frontend(), "butler.context.bus.frontend", bus.backend(),
						"butler.context.bus.backend"),
				(curve != null) ? new ContextBus.Curve(curve.secretKey(), curve.clientKeys()) : null, contexts,
				threads.contexts(), threads);
	}

}
