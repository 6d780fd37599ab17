package dev.butler.pipe;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.ButlerService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;

import static dev.butler.pipe.PipeTestSupport.freeTcpAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the producer, consumer and filter base classes, configured from properties.
 */
class DataPipeServicesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ValidationAutoConfiguration.class))
		.withUserConfiguration(Numbers.class, Doubler.class, Collector.class);

	@Test
	void pipelineConfiguredWithSaturninAndRelaxedNamesShouldDeliverEverythingAndFinish() {
		String numbers = freeTcpAddress();
		String doubled = freeTcpAddress();
		this.contextRunner.withPropertyValues(pipeline(numbers, doubled, 1000))
			.withPropertyValues("butler.services.collector.ready_schedule_interval=100")
			.run((context) -> {
				ButlerComponents components = context.getBean(ButlerComponents.class);
				awaitFinished(components);
				Collector collector = context.getBean(Collector.class);
				assertThat(collector.received).hasSize(2003);
				assertThat(collector.received.subList(0, 4)).containsExactly("0", "0", "1", "1");
				assertThat(collector.received.subList(1996, 2003)).containsExactly("998", "998", "999", "999", "end",
						"of", "input");
				assertThat(collector.closeCode).isEqualTo(FbdpErrorCode.OK);
				assertThat(collector.pipe().options().batchSize()).isEqualTo(13);
				assertThat(collector.pipe().options().readyScheduleInterval()).isEqualTo(Duration.ofMillis(100));
				assertThat(context.getBean(Doubler.class).inputPipe().options().batchSize()).isEqualTo(7);
				for (String id : IDS) {
					assertThat(components.find(id).orElseThrow().outcome()).as(id).isEqualTo(Outcome.OK);
				}
			});
	}

	@Test
	void resultsEmittedAtTheEndOfInputShouldAllBeDeliveredWhileTheOutputWaitsForData() {
		this.contextRunner.withPropertyValues(pipeline(freeTcpAddress(), freeTcpAddress(), 10))
			.withPropertyValues("butler.services.numbers.end-delay=300ms")
			.run((context) -> {
				awaitFinished(context.getBean(ButlerComponents.class));
				Collector collector = context.getBean(Collector.class);
				assertThat(collector.received).hasSize(23).endsWith("9", "9", "end", "of", "input");
				assertThat(collector.closeCode).isEqualTo(FbdpErrorCode.OK);
			});
	}

	@Test
	void inputClosedWithErrorShouldCloseOutputWithTheSameCode() {
		this.contextRunner.withPropertyValues(pipeline(freeTcpAddress(), freeTcpAddress(), 1000))
			.withPropertyValues(COLLECTOR_BINDS)
			.withPropertyValues("butler.services.numbers.fail-at=50")
			.run((context) -> {
				ButlerComponents components = context.getBean(ButlerComponents.class);
				awaitFinished(components);
				Collector collector = context.getBean(Collector.class);
				assertThat(collector.closeCode).isEqualTo(FbdpErrorCode.INVALID_DATA);
				assertThat(collector.closeDetails).singleElement(InstanceOfAssertFactories.STRING)
					.contains("'numbers' closed with INVALID_DATA: number 50 is bad");
				assertThat(collector.received).hasSizeLessThanOrEqualTo(100).doesNotContain("end");
				ButlerComponent doubler = components.find("doubler").orElseThrow();
				assertThat(doubler.outcome()).isEqualTo(Outcome.ERROR);
				assertThat(doubler.details()).singleElement(InstanceOfAssertFactories.STRING)
					.contains("'numbers' closed with INVALID_DATA");
				assertThat(components.find("numbers").orElseThrow().outcome()).isEqualTo(Outcome.ERROR);
			});
	}

	@Test
	void inputErrorNotPropagatedShouldDeliverWhatCameBeforeAndCloseOutputNormally() {
		this.contextRunner.withPropertyValues(pipeline(freeTcpAddress(), freeTcpAddress(), 1000))
			.withPropertyValues(COLLECTOR_BINDS)
			.withPropertyValues("butler.services.numbers.fail-at=50",
					"butler.services.doubler.propagate_input_error=false")
			.run((context) -> {
				ButlerComponents components = context.getBean(ButlerComponents.class);
				awaitFinished(components);
				Collector collector = context.getBean(Collector.class);
				assertThat(collector.closeCode).isEqualTo(FbdpErrorCode.OK);
				assertThat(collector.received).hasSize(100).endsWith("49", "49");
				assertThat(components.find("doubler").orElseThrow().outcome()).isEqualTo(Outcome.ERROR);
			});
	}

	@Test
	void outputClosedByItsConsumerShouldCloseTheInputAndStopTheProducer() {
		this.contextRunner.withPropertyValues(pipeline(freeTcpAddress(), freeTcpAddress(), 1_000_000))
			.withPropertyValues("butler.services.collector.stop-after=10")
			.run((context) -> {
				ButlerComponents components = context.getBean(ButlerComponents.class);
				awaitFinished(components);
				assertThat(context.getBean(Collector.class).received).hasSize(10);
				Numbers numbers = context.getBean(Numbers.class);
				assertThat(numbers.pipe().closeCode()).isEqualTo(FbdpErrorCode.OK);
				assertThat(numbers.pipe().closeDetails()).singleElement(InstanceOfAssertFactories.STRING)
					.contains("'doubled' closed with OK: had enough");
				assertThat(numbers.next).isLessThan(10_000);
				for (String id : IDS) {
					assertThat(components.find(id).orElseThrow().outcome()).as(id).isEqualTo(Outcome.OK);
				}
			});
	}

	@Test
	void missingPipeOptionShouldFailStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues(pipeline(freeTcpAddress(), freeTcpAddress(), 10))
			.withPropertyValues("butler.services.collector.pipe-address=")
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(BindValidationException.class)
				.hasStackTraceContaining(ServiceConfigurationException.class.getName()
						+ ": Invalid value '' for property 'butler.services.collector.pipe-address': must not be blank"));
	}

	@Test
	void connectingFilterInputWithoutFormatShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues(pipeline(freeTcpAddress(), freeTcpAddress(), 10))
			.withPropertyValues("butler.services.doubler.input-pipe-format=")
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(BindValidationException.class)
				.hasStackTraceContaining("Invalid value '' for property 'butler.services.doubler.input-pipe-format': "
						+ "is required for CONNECT pipe mode"));
	}

	private static String[] pipeline(String numbers, String doubled, int count) {
		return new String[] { "butler.services.numbers.count=" + count, "butler.services.numbers.pipe=numbers",
				"butler.services.numbers.pipe_address=" + numbers, "butler.services.numbers.pipe_mode=bind",
				"butler.services.numbers.batch_size=20", "butler.services.doubler.input_pipe=numbers",
				"butler.services.doubler.input_pipe_address=" + numbers, "butler.services.doubler.input_pipe_mode=connect",
				"butler.services.doubler.input_pipe_format=text/plain;charset=utf-8",
				"butler.services.doubler.input_batch_size=7", "butler.services.doubler.output-pipe=doubled",
				"butler.services.doubler.output-pipe-address=" + doubled, "butler.services.doubler.output-pipe-mode=BIND",
				"butler.services.doubler.output-batch-size=30", "butler.services.collector.pipe=doubled",
				"butler.services.collector.pipe-address=" + doubled, "butler.services.collector.pipe-mode=connect",
				"butler.services.collector.pipe-format=text/plain;charset=utf-8",
				"butler.services.collector.batch-size=13" };
	}

	private static final List<String> IDS = List.of("numbers", "doubler", "collector");

	/**
	 * The collector binds, so that it hears of an early end of the doubler however late it starts:
	 * a client that connects after its server has gone waits for it.
	 */
	private static final String[] COLLECTOR_BINDS = { "butler.services.doubler.output-pipe-mode=connect",
			"butler.services.doubler.output-pipe-format=text/plain;charset=utf-8",
			"butler.services.collector.pipe-mode=bind" };

	private static void awaitFinished(ButlerComponents components) {
		await().atMost(Duration.ofSeconds(20))
			.alias("all services finished")
			.conditionEvaluationListener((condition) -> {
				if (condition.getRemainingTimeInMS() <= 500) {
					IDS.forEach((id) -> System.err.println(id + ": " + components.find(id).orElseThrow().state()));
				}
			})
			.until(() -> IDS.stream().allMatch((id) -> components.find(id).orElseThrow().state().isTerminal()));
	}

	@ButlerService("numbers")
	static class Numbers extends DataProducerService<Numbers.Config> {

		record Config(@DefaultValue("10") int count, @DefaultValue("-1") int failAt,
				@DefaultValue("0ms") Duration endDelay) {
		}

		private Config config;

		private ServiceContext context;

		private boolean endDelayed;

		volatile int next;

		@Override
		protected void prepare(Config config, ServiceContext context) {
			this.config = config;
			this.context = context;
			this.endDelayed = false;
			this.next = 0;
		}

		@Override
		protected byte[] produceData() {
			if (this.next == this.config.failAt()) {
				throw new PipeException(FbdpErrorCode.INVALID_DATA, "number " + this.next + " is bad");
			}
			if (this.next < this.config.count()) {
				return bytes(String.valueOf(this.next++));
			}
			if (!this.config.endDelay().isZero() && !this.endDelayed) {
				this.endDelayed = true;
				this.context.schedule("end", () -> pipe().resume(), this.config.endDelay());
				return PipeHandler.NO_DATA_YET;
			}
			return null;
		}

	}

	@ButlerService("doubler")
	static class Doubler extends DataFilterService<Void> {

		@Override
		protected void acceptData(byte[] data) {
			emit(data);
			emit(data.clone());
		}

		@Override
		protected void finishInput() {
			emit(bytes("end"));
			emit(bytes("of"));
			emit(bytes("input"));
		}

	}

	@ButlerService("collector")
	static class Collector extends DataConsumerService<Collector.Config> {

		record Config(@DefaultValue("-1") int stopAfter) {
		}

		final List<String> received = new CopyOnWriteArrayList<>();

		volatile FbdpErrorCode closeCode;

		volatile List<String> closeDetails;

		private Config config;

		@Override
		protected void prepare(Config config, ServiceContext context) {
			this.config = config;
		}

		@Override
		protected void acceptData(byte[] data) {
			this.received.add(new String(data, StandardCharsets.UTF_8));
			if (this.received.size() == this.config.stopAfter()) {
				pipe().close(FbdpErrorCode.OK, "had enough");
			}
		}

		@Override
		protected void pipeClosed(DataPipe pipe) {
			this.closeCode = pipe.closeCode();
			this.closeDetails = pipe.closeDetails();
		}

	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
