package dev.butler.autoconfigure.info;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.butler.actuate.info.ButlerInfoContributor;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.zeromq.ZmqContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ButlerInfoContributorAutoConfiguration}.
 */
class ButlerInfoContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ButlerAutoConfiguration.class, ButlerInfoContributorAutoConfiguration.class));

	@Test
	void infoShouldNameTheZeroMqEngineItsVersionAndWhatIpcIs() {
		this.contextRunner.withPropertyValues("butler.zmq.engine=jeromq", "butler.zmq.ipc=emulate").run((context) -> {
			Info.Builder builder = new Info.Builder();
			context.getBean(ButlerInfoContributor.class).contribute(builder);
			assertThat(builder.build().get("butler")).isEqualTo(Map.of("zeromq",
					Map.of("engine", "jeromq", "version", context.getBean(ZmqContext.class)
						.engine()
						.version(), "ipc", "emulate")));
			assertThat(builder.build().getDetails().get("butler").toString()).contains("version=JeroMQ ");
		});
	}

	@Test
	void infoContributorShouldBeOffWhenDisabled() {
		this.contextRunner.withPropertyValues("management.info.butler.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ButlerInfoContributor.class));
	}

	@Test
	void infoContributorShouldBeOffWithoutTheButlerRuntime() {
		this.contextRunner.withPropertyValues("butler.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ButlerInfoContributor.class));
	}

}
