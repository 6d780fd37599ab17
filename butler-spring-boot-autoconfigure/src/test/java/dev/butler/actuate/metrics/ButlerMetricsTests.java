package dev.butler.actuate.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.metrics.ButlerMetricsAutoConfiguration;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.pipe.DataPipe;
import dev.butler.pipe.PipeCounts;
import dev.butler.pipe.PipeHandler;
import dev.butler.pipe.PipeMode;
import dev.butler.pipe.PipeOptions;
import dev.butler.pipe.PipeRole;
import dev.butler.pipe.PipeState;
import dev.butler.pipe.PipeTestSupport;
import dev.butler.protocol.State;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@link ButlerMetrics}.
 */
class ButlerMetricsTests {

	private static final String FORMAT = "text/plain;charset=utf-8";

	/** "0" to "9" take a byte each, "10" to "44" two. */
	private static final int COUNT = 45;

	private static final long BYTES = 10 + 35 * 2;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, ButlerMetricsAutoConfiguration.class))
		.withUserConfiguration(Producer.class, Consumer.class);

	@Test
	void pipeMetersShouldCountWhatEachPipeMoved() {
		Producer.address = PipeTestSupport.freeTcpAddress();
		this.contextRunner.run((context) -> {
			ButlerComponents components = context.getBean(ButlerComponents.class);
			awaitConsumerFinished(components);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("butler.pipe.messages")
				.tags("service", "consumer", "pipe", "input", "role", "consumer")
				.functionCounter()
				.count()).isEqualTo(COUNT);
			assertThat(registry.get("butler.pipe.messages")
				.tags("service", "producer", "pipe", "output", "role", "producer")
				.functionCounter()
				.count()).isEqualTo(COUNT);
			assertThat(registry.get("butler.pipe.bytes").tags("service", "producer").functionCounter().count())
				.isEqualTo(BYTES);
			assertThat(registry.get("butler.pipe.bytes").tags("service", "consumer").functionCounter().count())
				.isEqualTo(BYTES);
			assertThat(registry.get("butler.pipe.batches").tags("service", "consumer").functionCounter().count())
				.isEqualTo(5);
			assertThat(registry.get("butler.pipe.refused").tags("service", "consumer").functionCounter().count())
				.isZero();
			assertThat(registry.get("butler.pipe.messages").functionCounters()).hasSize(2);
		});
	}

	@Test
	void pipeMetersShouldKeepCountingWhenAServiceRestarts() {
		Producer.address = PipeTestSupport.freeTcpAddress();
		this.contextRunner.run((context) -> {
			ButlerComponents components = context.getBean(ButlerComponents.class);
			awaitConsumerFinished(components);
			ButlerComponent consumer = components.find("consumer").orElseThrow();
			consumer.start();
			awaitConsumerFinished(components);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("butler.pipe.messages").tags("service", "consumer").functionCounter().count())
				.isEqualTo(2 * COUNT);
			assertThat(registry.get("butler.pipe.bytes").tags("service", "consumer").functionCounter().count())
				.isEqualTo(2 * BYTES);
			assertThat(PipeTestSupport.pipeTotals(consumer)).containsEntry("input", new PipeCounts(2 * COUNT, 2 * BYTES, 10, 0, 0, 0));
			assertThat(PipeTestSupport.pipes(consumer)).singleElement()
				.satisfies((pipe) -> assertThat(pipe.counts()).isEqualTo(new PipeCounts(COUNT, BYTES, 5, 0, 0, 0)));
			assertThat(registry.get("butler.pipe.messages").tags("service", "producer").functionCounter().count())
				.isEqualTo(2 * COUNT);
		});
	}

	@Test
	void registryBoundAfterServicesStartedShouldGetTheirPipeMeters() {
		Producer.address = PipeTestSupport.freeTcpAddress();
		this.contextRunner.run((context) -> {
			ButlerComponents components = context.getBean(ButlerComponents.class);
			awaitConsumerFinished(components);
			MeterRegistry registry = new SimpleMeterRegistry();
			new ButlerMetrics(components).bindTo(registry);
			assertThat(registry.get("butler.pipe.messages").tags("service", "consumer").functionCounter().count())
				.isEqualTo(COUNT);
			assertThat(registry.get("butler.pipe.batches").tags("service", "producer").functionCounter().count())
				.isEqualTo(5);
		});
	}

	/**
	 * Wait until the consumer has taken all numbers and finished, and the producer, which goes on,
	 * is waiting for a client again.
	 */
	private static void awaitConsumerFinished(ButlerComponents components) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> components.find("consumer").orElseThrow().state() == State.FINISHED
					&& PipeTestSupport.pipes(components.find("producer").orElseThrow()).get(0).state() == PipeState.WAITING);
	}

	/**
	 * Binds the pipe and gives each client that opens it {@link #COUNT} numbers, then waits for the
	 * next client.
	 */
	@ButlerService("producer")
	static class Producer implements MicroService<Void>, PipeHandler {

		static volatile String address;

		private int next;

		@Override
		public void initialize(Void config, ServiceContext context) {
			new DataPipe(context, "output", PipeRole.PRODUCER,
					new PipeOptions("numbers", address, PipeMode.BIND, FORMAT, 10, Duration.ofMillis(100), false),
					this);
		}

		@Override
		public void opened(DataPipe pipe, String dataFormat) {
			this.next = 0;
		}

		@Override
		public byte[] produce(DataPipe pipe) {
			return (this.next < COUNT) ? String.valueOf(this.next++).getBytes(StandardCharsets.UTF_8) : null;
		}

	}

	/**
	 * Connects to the pipe and finishes when it closes.
	 */
	@ButlerService("consumer")
	static class Consumer implements MicroService<Void>, PipeHandler {

		@Override
		public void initialize(Void config, ServiceContext context) {
			new DataPipe(context, "input", PipeRole.CONSUMER, new PipeOptions("numbers", Producer.address,
					PipeMode.CONNECT, FORMAT, 10, Duration.ofMillis(100), true), this);
		}

		@Override
		public void accept(DataPipe pipe, byte[] payload) {
		}

	}

}
