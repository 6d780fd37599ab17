package dev.butler.pipe;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.protocol.State;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.ButlerService;
import dev.butler.service.ServiceContext;

import static dev.butler.pipe.PipeTestSupport.freeTcpAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of data pipes whose services share one ZeroMQ context, as all services of an application
 * do.
 */
class DataPipeSharedContextTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class));

	@Test
	void pipesThatCloseShouldNotStallAnotherPipeOfTheContext() {
		String longAddress = freeTcpAddress();
		String shortAddress = freeTcpAddress();
		this.contextRunner.withUserConfiguration(LongProducer.class, LongConsumer.class, ShortProducer.class,
				ShortConsumer.class)
			.withPropertyValues(pipe("long-producer", longAddress, PipeMode.BIND))
			.withPropertyValues(pipe("long-consumer", longAddress, PipeMode.CONNECT))
			.withPropertyValues(pipe("short-producer", shortAddress, PipeMode.BIND))
			.withPropertyValues(pipe("short-consumer", shortAddress, PipeMode.CONNECT))
			.withPropertyValues("butler.services.long-producer.count=2000", "butler.services.short-producer.count=5")
			.run((context) -> {
				ButlerComponents components = context.getBean(ButlerComponents.class);
				ButlerComponent shortProducer = components.find("short-producer").orElseThrow();
				ButlerComponent shortConsumer = components.find("short-consumer").orElseThrow();
				LongConsumer longConsumer = context.getBean(LongConsumer.class);
				// Each short pipeline closes its sockets while the long one transmits.
				for (int run = 0; run < 15 && longConsumer.closeCode == null; run++) {
					await().atMost(Duration.ofSeconds(10))
						.until(() -> shortProducer.state() == State.FINISHED && shortConsumer.state() == State.FINISHED);
					shortProducer.start();
					shortConsumer.start();
				}
				await().atMost(Duration.ofSeconds(20)).until(() -> longConsumer.closeCode != null);
				assertThat(longConsumer.closeCode).isEqualTo(FbdpErrorCode.OK);
				assertThat(longConsumer.received).hasSize(2000);
				assertThat(longConsumer.received.get(1999)).isEqualTo("1999");
			});
	}

	private static String[] pipe(String service, String address, PipeMode mode) {
		String prefix = "butler.services." + service + ".";
		return new String[] { prefix + "pipe=numbers", prefix + "pipe-address=" + address, prefix + "pipe-mode=" + mode,
				prefix + "pipe-format=text/plain;charset=utf-8", prefix + "batch-size=10",
				prefix + "ready-schedule-interval=50ms" };
	}

	abstract static class Counting extends DataProducerService<Counting.Config> {

		private int count;

		private int next;

		@Override
		protected void prepare(Config config, ServiceContext context) {
			this.count = config.count();
			this.next = 0;
		}

		@Override
		protected byte[] produceData() {
			return (this.next < this.count) ? String.valueOf(this.next++).getBytes(StandardCharsets.UTF_8) : null;
		}

		record Config(@DefaultValue("10") int count) {

		}

	}

	abstract static class Collecting extends DataConsumerService<Void> {

		final List<String> received = new CopyOnWriteArrayList<>();

		volatile FbdpErrorCode closeCode;

		@Override
		protected void acceptData(byte[] data) throws InterruptedException {
			this.received.add(new String(data, StandardCharsets.UTF_8));
			Thread.sleep(1);
		}

		@Override
		protected void pipeClosed(DataPipe pipe) {
			this.closeCode = pipe.closeCode();
		}

	}

	@ButlerService("long-producer")
	static class LongProducer extends Counting {

	}

	@ButlerService("long-consumer")
	static class LongConsumer extends Collecting {

	}

	@ButlerService("short-producer")
	static class ShortProducer extends Counting {

	}

	@ButlerService("short-consumer")
	static class ShortConsumer extends Collecting {

	}

}
