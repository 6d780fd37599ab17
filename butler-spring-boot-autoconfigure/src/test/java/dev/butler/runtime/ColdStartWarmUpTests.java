package dev.butler.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.JeroMqEngine;
import dev.butler.zeromq.ZmqContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the warm-up that runs a peer's first messages before the first service reports READY.
 */
class ColdStartWarmUpTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class));

	@Test
	void warmUpShouldRunEveryCodecMessageAndFbdpSessionsOverTcpConnections() {
		try (ZmqContext zmq = JeroMqEngine.INSTANCE.newContext(1)) {
			ColdStartWarmUp.Result result = ColdStartWarmUp.run(zmq);
			assertThat(result.messages()).isEqualTo(16);
			assertThat(result.sessions())
				.isEqualTo(ColdStartWarmUp.CONNECTIONS * ColdStartWarmUp.SESSIONS_PER_CONNECTION);
		}
	}

	@Test
	void firstServiceToWarmUpShouldRunItOnceBeforeInitializing() {
		ColdStartWarmUp.forget();
		this.contextRunner.withUserConfiguration(Services.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ColdStartWarmUp.Result first = Recorder.seen.get("first");
			assertThat(first).isNotNull();
			assertThat(first.sessions()).isEqualTo(ColdStartWarmUp.CONNECTIONS * ColdStartWarmUp.SESSIONS_PER_CONNECTION);
			assertThat(Recorder.seen.get("second")).isSameAs(first);
			assertThat(ColdStartWarmUp.result()).isSameAs(first);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		Recorder first() {
			return new Recorder("first");
		}

		@Bean
		Recorder second() {
			return new Recorder("second");
		}

	}

	/**
	 * Records, when it initializes, what the warm-up of this JVM did.
	 */
	@ButlerService
	static class Recorder implements MicroService<Void> {

		static final Map<String, ColdStartWarmUp.Result> seen = new ConcurrentHashMap<>();

		private final String name;

		Recorder(String name) {
			this.name = name;
		}

		@Override
		public void initialize(Void config, ServiceContext context) {
			seen.put(this.name, ColdStartWarmUp.result());
		}

	}

}
