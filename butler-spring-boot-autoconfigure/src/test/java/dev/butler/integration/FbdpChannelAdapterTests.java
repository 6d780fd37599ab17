package dev.butler.integration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.integration.MessageTimeoutException;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.dsl.MessageChannels;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessageHandlingException;
import org.springframework.messaging.PollableChannel;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.messaging.support.MessageBuilder;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.integration.ButlerIntegrationAutoConfiguration;
import dev.butler.control.ButlerComponents;
import dev.butler.integration.dsl.FbdpMessageProducerSpec;
import dev.butler.integration.dsl.FbdpPipes;
import dev.butler.pipe.DataConsumerService;
import dev.butler.pipe.DataPipe;
import dev.butler.pipe.DataProducerService;
import dev.butler.pipe.PipeException;
import dev.butler.pipe.PipeMode;
import dev.butler.pipe.PipeOptions;
import dev.butler.pipe.PipeRole;
import dev.butler.protocol.State;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.ButlerService;
import dev.butler.service.ServiceContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the FBDP channel adapters in Spring Integration flows, between real producer and
 * consumer services over tcp loopback.
 */
class FbdpChannelAdapterTests {

	private static final String FORMAT = "text/plain;charset=utf-8";

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ButlerIntegrationAutoConfiguration.class))
		.withUserConfiguration(ClosedEvents.class);

	@Test
	void flowShouldMoveEveryMessageInOrderAndEndBothPipesWithOk() {
		String input = freeAddress();
		String output = freeAddress();
		this.contextRunner.withUserConfiguration(Source.class, Sink.class, UppercaseFlow.class)
			.withPropertyValues(pipe("source", "items", input, PipeMode.BIND, 20))
			.withPropertyValues(pipe("bridge-out", "upper", output, PipeMode.BIND, 15))
			.withPropertyValues(pipe("sink", "upper", output, PipeMode.CONNECT, 15))
			.withPropertyValues("items.address=" + input, "butler.services.source.count=500")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Sink sink = context.getBean(Sink.class);
				await().atMost(TIMEOUT).until(() -> sink.closeCode != null);
				assertThat(sink.closeCode).isEqualTo(FbdpErrorCode.OK);
				assertThat(sink.received).containsExactlyElementsOf(items("ITEM-", 0, 500));
				assertThat(context.getBean(Source.class).closeCode).isEqualTo(FbdpErrorCode.OK);
				ButlerComponents components = context.getBean(ButlerComponents.class);
				await().atMost(TIMEOUT).until(() -> components.find("sink").orElseThrow().state() == State.FINISHED);
				List<FbdpPipeClosedEvent> events = context.getBean(ClosedEvents.class).events;
				await().atMost(TIMEOUT).until(() -> events.size() == 2);
				assertThat(events).extracting(FbdpPipeClosedEvent::getPipe, FbdpPipeClosedEvent::getRole,
						FbdpPipeClosedEvent::getCode)
					.containsExactlyInAnyOrder(tuple("items", PipeRole.CONSUMER, FbdpErrorCode.OK),
							tuple("upper", PipeRole.PRODUCER, FbdpErrorCode.OK));
				FbdpMessageProducer inbound = context.getBean(FbdpMessageProducer.class);
				assertThat(inbound.getService().id()).isEqualTo("items-inbound");
				await().atMost(TIMEOUT).until(() -> inbound.getService().state() == State.FINISHED);
			});
	}

	@ParameterizedTest
	@CsvSource({ "pipe, INVALID_DATA, item-7 is bad",
			"runtime, INTERNAL_ERROR, IllegalStateException: cannot take item-7" })
	void errorInFlowShouldCloseInputWithErrorCodeAndPassItDownstream(String failure, FbdpErrorCode code,
			String reason) {
		String input = freeAddress();
		String output = freeAddress();
		this.contextRunner.withUserConfiguration(Source.class, Sink.class, FailingFlow.class)
			.withPropertyValues(pipe("source", "items", input, PipeMode.BIND, 5))
			.withPropertyValues(pipe("sink", "upper", output, PipeMode.CONNECT, 5))
			.withPropertyValues("test.input=" + input, "test.output=" + output, "test.failure=" + failure,
					"butler.services.source.count=50")
			.run((context) -> {
				Source source = context.getBean(Source.class);
				Sink sink = context.getBean(Sink.class);
				await().atMost(TIMEOUT).until(() -> source.closeCode != null && sink.closeCode != null);
				assertThat(source.closeCode).isEqualTo(code);
				assertThat(source.closeDetails).singleElement().asString().contains(reason);
				assertThat(sink.received).containsExactlyElementsOf(items("ITEM-", 0, 7));
				assertThat(sink.closeCode).isEqualTo(code);
				assertThat(sink.closeDetails).singleElement().asString().contains(reason);
			});
	}

	@Test
	void errorInFlowWithErrorChannelShouldGoThereAndLetTheStreamGoOn() {
		String input = freeAddress();
		String output = freeAddress();
		this.contextRunner.withUserConfiguration(Source.class, Sink.class, FailingFlow.class)
			.withPropertyValues(pipe("source", "items", input, PipeMode.BIND, 5))
			.withPropertyValues(pipe("sink", "upper", output, PipeMode.CONNECT, 5))
			.withPropertyValues("test.input=" + input, "test.output=" + output, "test.failure=pipe",
					"test.error-channel=true", "butler.services.source.count=20")
			.run((context) -> {
				Source source = context.getBean(Source.class);
				Sink sink = context.getBean(Sink.class);
				await().atMost(TIMEOUT).until(() -> source.closeCode != null && sink.closeCode != null);
				assertThat(source.closeCode).isEqualTo(FbdpErrorCode.OK);
				List<String> expected = items("ITEM-", 0, 20);
				expected.remove("ITEM-7");
				assertThat(sink.received).containsExactlyElementsOf(expected);
				assertThat(sink.closeCode).isEqualTo(FbdpErrorCode.OK);
				Message<?> error = context.getBean("errors", PollableChannel.class).receive(0);
				assertThat(error).isInstanceOf(ErrorMessage.class);
				assertThat((Throwable) error.getPayload()).hasRootCauseMessage("item-7 is bad");
			});
	}

	@Test
	void slowHandlerOnDirectChannelShouldHoldThePipeBackAndLoseNothing() {
		String input = freeAddress();
		this.contextRunner.withUserConfiguration(Source.class, SlowHandlerFlow.class)
			.withPropertyValues(pipe("source", "items", input, PipeMode.BIND, 10))
			.withPropertyValues("test.input=" + input, "butler.services.source.count=200")
			.run((context) -> {
				Source source = context.getBean(Source.class);
				Received received = context.getBean(Received.class);
				int maxLead = 0;
				long deadline = System.nanoTime() + TIMEOUT.toNanos();
				while (received.closeCode == null && System.nanoTime() < deadline) {
					int taken = received.payloads.size();
					maxLead = Math.max(maxLead, source.produced.get() - taken);
					Thread.sleep(1);
				}
				assertThat(received.closeCode).isEqualTo(FbdpErrorCode.OK);
				assertThat(received.payloads).containsExactlyElementsOf(items("item-", 0, 200));
				assertThat(maxLead).as("messages produced ahead of the handler").isBetween(1, 2 * 10 + 1);
			});
	}

	@Test
	void fullQueueChannelShouldPauseThePipeAndLoseNothing() {
		String input = freeAddress();
		this.contextRunner.withUserConfiguration(Source.class, QueueFlow.class)
			.withPropertyValues(pipe("source", "items", input, PipeMode.BIND, 10))
			.withPropertyValues("test.input=" + input, "butler.services.source.count=200")
			.run((context) -> {
				Source source = context.getBean(Source.class);
				PollableChannel buffer = context.getBean("buffer", PollableChannel.class);
				List<String> payloads = new ArrayList<>();
				int maxLead = 0;
				Message<?> message;
				while ((message = buffer.receive(TIMEOUT.toMillis())) != null && !FbdpHeaders.isEndOfStream(message)) {
					payloads.add((String) message.getPayload());
					maxLead = Math.max(maxLead, source.produced.get() - payloads.size());
					Thread.sleep(2);
				}
				assertThat(message).as("end-of-stream message").isNotNull();
				assertThat(FbdpHeaders.closeCode(message)).isEqualTo(FbdpErrorCode.OK);
				assertThat(payloads).containsExactlyElementsOf(items("item-", 0, 200));
				assertThat(maxLead).as("messages produced ahead of the queue's consumer").isBetween(1, 5 + 2 * 10 + 1);
				assertThat(source.closeCode).isEqualTo(FbdpErrorCode.OK);
			});
	}

	@Test
	void inboundTextPayloadShouldBeDecodedWithTheCharsetOfTheDataFormat() {
		String input = freeAddress();
		this.contextRunner.withUserConfiguration(Source.class, QueueFlow.class)
			.withPropertyValues(pipe("source", "items", input, PipeMode.BIND, 10))
			.withPropertyValues("test.input=" + input, "test.format=text/plain;charset=iso-8859-1",
					"butler.services.source.count=3", "butler.services.source.prefix=čé-",
					"butler.services.source.charset=ISO-8859-2")
			.run((context) -> {
				PollableChannel buffer = context.getBean("buffer", PollableChannel.class);
				List<Message<?>> messages = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					messages.add(buffer.receive(TIMEOUT.toMillis()));
				}
				assertThat(messages).doesNotContainNull();
				// ISO-8859-2 bytes read as ISO-8859-1: 'č' (0xE8) becomes 'è', 'é' (0xE9) stays.
				assertThat(messages).<Object>extracting(Message::getPayload)
					.containsExactly("èé-0", "èé-1", "èé-2", "");
				assertThat(messages.get(0).getHeaders()).containsEntry(FbdpHeaders.PIPE, "items")
					.containsEntry(FbdpHeaders.DATA_FORMAT, "text/plain;charset=iso-8859-1")
					.doesNotContainKey(FbdpHeaders.CLOSE_CODE);
				assertThat(FbdpHeaders.closeCode(messages.get(3))).isEqualTo(FbdpErrorCode.OK);
			});
	}

	@Test
	void slowConsumerShouldBlockTheSenderAndCompleteShouldEndWithOk() {
		String output = freeAddress();
		this.contextRunner.withUserConfiguration(Sink.class, OutboundFlow.class)
			.withPropertyValues(pipe("sink", "numbers", output, PipeMode.CONNECT, 5))
			.withPropertyValues("test.output=" + output, "test.queue-capacity=5", "butler.services.sink.delay=3ms")
			.run((context) -> {
				Sink sink = context.getBean(Sink.class);
				MessageChannel numbers = context.getBean("numbers", MessageChannel.class);
				int maxLead = 0;
				for (int i = 0; i < 100; i++) {
					numbers.send(MessageBuilder.withPayload("n-" + i).build());
					maxLead = Math.max(maxLead, i + 1 - sink.received.size());
				}
				context.getBean(FbdpMessageHandler.class).complete();
				await().atMost(TIMEOUT).until(() -> sink.closeCode != null);
				assertThat(sink.closeCode).isEqualTo(FbdpErrorCode.OK);
				assertThat(sink.received).containsExactlyElementsOf(items("n-", 0, 100));
				assertThat(maxLead).as("messages sent ahead of the consumer").isBetween(5, 5 + 2 * 5 + 2);
			});
	}

	@Test
	void endOfStreamMessageWithErrorShouldCloseThePipeWithItsCodeAndRefuseMoreMessages() {
		String output = freeAddress();
		this.contextRunner.withUserConfiguration(Sink.class, OutboundFlow.class)
			.withPropertyValues(pipe("sink", "numbers", output, PipeMode.CONNECT, 5))
			.withPropertyValues("test.output=" + output)
			.run((context) -> {
				Sink sink = context.getBean(Sink.class);
				MessageChannel numbers = context.getBean("numbers", MessageChannel.class);
				numbers.send(MessageBuilder.withPayload("a").build());
				numbers.send(MessageBuilder.withPayload("b".getBytes(StandardCharsets.UTF_8)).build());
				numbers.send(MessageBuilder.withPayload("ignored")
					.setHeader(FbdpHeaders.CLOSE_CODE, "INVALID_DATA")
					.setHeader(FbdpHeaders.CLOSE_REASON, "upstream broke")
					.build());
				await().atMost(TIMEOUT).until(() -> sink.closeCode != null);
				assertThat(sink.received).containsExactly("a", "b");
				assertThat(sink.closeCode).isEqualTo(FbdpErrorCode.INVALID_DATA);
				assertThat(sink.closeDetails).containsExactly("upstream broke");
				FbdpMessageHandler handler = context.getBean(FbdpMessageHandler.class);
				await().atMost(TIMEOUT).until(() -> handler.getService().state() == State.FINISHED);
				assertThatExceptionOfType(MessageDeliveryException.class)
					.isThrownBy(() -> numbers.send(MessageBuilder.withPayload("late").build()))
					.withMessageContaining("Data pipe 'numbers' is closed (INVALID_DATA: upstream broke)");
			});
	}

	@Test
	void closeCodeHeaderWithoutValueShouldNotEndTheStream() {
		String output = freeAddress();
		this.contextRunner.withUserConfiguration(Sink.class, OutboundFlow.class)
			.withPropertyValues(pipe("sink", "numbers", output, PipeMode.CONNECT, 5))
			.withPropertyValues("test.output=" + output)
			.run((context) -> {
				Sink sink = context.getBean(Sink.class);
				MessageChannel numbers = context.getBean("numbers", MessageChannel.class);
				Map<String, Object> headers = new HashMap<>();
				headers.put(FbdpHeaders.CLOSE_CODE, null);
				Message<String> message = new GenericMessage<>("a", headers);
				assertThat(FbdpHeaders.isEndOfStream(message)).isFalse();
				numbers.send(message);
				numbers.send(MessageBuilder.withPayload("b").build());
				context.getBean(FbdpMessageHandler.class).complete();
				await().atMost(TIMEOUT).until(() -> sink.closeCode != null);
				assertThat(sink.closeCode).isEqualTo(FbdpErrorCode.OK);
				assertThat(sink.received).containsExactly("a", "b");
			});
	}

	@Test
	void stoppingTheOutboundAdapterShouldCloseThePipeWithError() {
		String output = freeAddress();
		this.contextRunner.withUserConfiguration(Sink.class, OutboundFlow.class)
			.withPropertyValues(pipe("sink", "numbers", output, PipeMode.CONNECT, 5))
			.withPropertyValues("test.output=" + output)
			.run((context) -> {
				Sink sink = context.getBean(Sink.class);
				MessageChannel numbers = context.getBean("numbers", MessageChannel.class);
				for (int i = 0; i < 3; i++) {
					numbers.send(MessageBuilder.withPayload("n-" + i).build());
				}
				await().atMost(TIMEOUT).until(() -> sink.received.size() == 3);
				FbdpMessageHandler handler = context.getBean(FbdpMessageHandler.class);
				handler.stop();
				assertThat(handler.isRunning()).isFalse();
				await().atMost(TIMEOUT).until(() -> sink.closeCode != null);
				assertThat(sink.closeCode).isEqualTo(FbdpErrorCode.ERROR);
				assertThat(sink.closeDetails).singleElement().asString().contains("stopped");
				assertThatExceptionOfType(MessageDeliveryException.class)
					.isThrownBy(() -> numbers.send(MessageBuilder.withPayload("late").build()))
					.withMessageContaining("is not running");
			});
	}

	@Test
	void fullQueueWithoutConsumerShouldTimeOutTheSender() {
		this.contextRunner.withUserConfiguration(OutboundFlow.class)
			.withPropertyValues("test.output=" + freeAddress(), "test.queue-capacity=2", "test.send-timeout-millis=200")
			.run((context) -> {
				MessageChannel numbers = context.getBean("numbers", MessageChannel.class);
				numbers.send(MessageBuilder.withPayload("n-0").build());
				numbers.send(MessageBuilder.withPayload("n-1").build());
				long started = System.nanoTime();
				assertThatExceptionOfType(MessageTimeoutException.class)
					.isThrownBy(() -> numbers.send(MessageBuilder.withPayload("n-2").build()))
					.withMessageContaining("took no message within 200 ms");
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
			});
	}

	@Test
	void outboundAdapterShouldRefuseUnsupportedPayloads() {
		this.contextRunner.withUserConfiguration(OutboundFlow.class)
			.withPropertyValues("test.output=" + freeAddress())
			.run((context) -> assertThatExceptionOfType(MessageHandlingException.class).isThrownBy(
					() -> context.getBean("numbers", MessageChannel.class).send(MessageBuilder.withPayload(42).build()))
				.withMessageContaining("sends byte[] or String payloads, got java.lang.Integer"));
	}

	@Test
	void pipeOptionsBoundFromPropertiesShouldBeValidated() {
		this.contextRunner.withUserConfiguration(SlowHandlerFlow.class)
			.withPropertyValues("test.service-id=bridge-in", "butler.services.bridge-in.pipe=items",
					"butler.services.bridge-in.pipe-address=" + freeAddress(),
					"butler.services.bridge-in.pipe-mode=connect",
					"butler.services.bridge-in.pipe-format=" + FORMAT, "butler.services.bridge-in.batch-size=0")
			.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Invalid value '0' for property 'butler.services.bridge-in.batch-size'"));
	}

	@Test
	void adapterWithoutButlerRuntimeShouldFailWithExplanation() {
		this.contextRunner.withUserConfiguration(OutboundFlow.class)
			.withPropertyValues("butler.enabled=false", "test.output=" + freeAddress())
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("needs an FbdpAdapterServices bean"));
	}

	private static String[] pipe(String service, String pipe, String address, PipeMode mode, int batchSize) {
		String prefix = "butler.services." + service + ".";
		return new String[] { prefix + "pipe=" + pipe, prefix + "pipe-address=" + address, prefix + "pipe-mode=" + mode,
				prefix + "pipe-format=" + FORMAT, prefix + "batch-size=" + batchSize,
				prefix + "ready-schedule-interval=50ms" };
	}

	private static List<String> items(String prefix, int from, int to) {
		List<String> items = new ArrayList<>();
		for (int i = from; i < to; i++) {
			items.add(prefix + i);
		}
		return items;
	}

	private static String freeAddress() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return "tcp://127.0.0.1:" + socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static PipeOptions connecting(Environment environment, String pipe, String addressProperty, int batchSize) {
		return new PipeOptions(pipe, environment.getRequiredProperty(addressProperty), PipeMode.CONNECT,
				environment.getProperty("test.format", FORMAT), batchSize, Duration.ofMillis(50), true);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class UppercaseFlow {

		@Bean
		IntegrationFlow uppercase(Environment environment) {
			PipeOptions input = new PipeOptions("items", environment.getRequiredProperty("items.address"),
					PipeMode.CONNECT, "text/plain;charset=utf-8", 20, Duration.ofSeconds(1), true);
			return IntegrationFlow.from(FbdpPipes.inboundAdapter(input).textPayload(true))
				.<String, String>transform(String::toUpperCase)
				.handle(FbdpPipes.outboundAdapter("bridge-out"))
				.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class FailingFlow {

		@Bean
		QueueChannel errors() {
			return new QueueChannel();
		}

		@Bean
		IntegrationFlow failing(Environment environment) {
			boolean pipeFailure = environment.getRequiredProperty("test.failure").equals("pipe");
			PipeOptions output = new PipeOptions("upper", environment.getRequiredProperty("test.output"), PipeMode.BIND,
					FORMAT, 5, Duration.ofMillis(50), true);
			FbdpMessageProducerSpec inbound = FbdpPipes.inboundAdapter(connecting(environment, "items", "test.input", 5))
				.textPayload(true);
			if (environment.getProperty("test.error-channel", Boolean.class, false)) {
				inbound.errorChannel("errors");
			}
			return IntegrationFlow.from(inbound)
				.<String, String>transform((text) -> {
					if (text.equals("item-7")) {
						throw pipeFailure ? new PipeException(FbdpErrorCode.INVALID_DATA, "item-7 is bad")
								: new IllegalStateException("cannot take item-7");
					}
					return text.toUpperCase();
				})
				.handle(FbdpPipes.outboundAdapter(output))
				.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class SlowHandlerFlow {

		@Bean
		Received received() {
			return new Received();
		}

		@Bean
		IntegrationFlow slowHandler(Environment environment, Received received) {
			String serviceId = environment.getProperty("test.service-id");
			return IntegrationFlow
				.from((serviceId != null) ? FbdpPipes.inboundAdapter(serviceId)
						: FbdpPipes.inboundAdapter(connecting(environment, "items", "test.input", 10)).textPayload(true))
				.handle((message) -> {
					if (FbdpHeaders.isEndOfStream(message)) {
						received.closeCode = FbdpHeaders.closeCode(message);
						return;
					}
					sleep(2);
					received.payloads.add((String) message.getPayload());
				})
				.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class QueueFlow {

		@Bean
		IntegrationFlow toQueue(Environment environment) {
			return IntegrationFlow
				.from(FbdpPipes.inboundAdapter(connecting(environment, "items", "test.input", 10))
					.textPayload(true)
					.sendTimeout(5))
				.channel(MessageChannels.queue("buffer", 5))
				.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class OutboundFlow {

		@Bean
		IntegrationFlow outbound(Environment environment) {
			PipeOptions output = new PipeOptions("numbers", environment.getRequiredProperty("test.output"), PipeMode.BIND,
					FORMAT, 5, Duration.ofMillis(50), true);
			return IntegrationFlow.from("numbers")
				.handle(FbdpPipes.outboundAdapter(output)
					.queueCapacity(environment.getProperty("test.queue-capacity", Integer.class, 10))
					.sendTimeout(Duration.ofMillis(environment.getProperty("test.send-timeout-millis", Long.class, -1L))))
				.get();
		}

	}

	static class Received {

		final List<String> payloads = new CopyOnWriteArrayList<>();

		volatile FbdpErrorCode closeCode;

	}

	static class ClosedEvents implements ApplicationListener<FbdpPipeClosedEvent> {

		final List<FbdpPipeClosedEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(FbdpPipeClosedEvent event) {
			this.events.add(event);
		}

	}

	@ButlerService("source")
	static class Source extends DataProducerService<Source.Config> {

		final AtomicInteger produced = new AtomicInteger();

		volatile FbdpErrorCode closeCode;

		volatile List<String> closeDetails = List.of();

		private Config config;

		private int next;

		@Override
		protected void prepare(Config config, ServiceContext context) {
			this.config = config;
			this.next = 0;
		}

		@Override
		protected byte[] produceData() {
			if (this.next >= this.config.count()) {
				return null;
			}
			this.produced.incrementAndGet();
			return (this.config.prefix() + this.next++).getBytes(this.config.charset());
		}

		@Override
		protected void pipeClosed(DataPipe pipe) {
			this.closeDetails = pipe.closeDetails();
			this.closeCode = pipe.closeCode();
		}

		record Config(@DefaultValue("100") int count, @DefaultValue("item-") String prefix,
				@DefaultValue("UTF-8") Charset charset) {

		}

	}

	@ButlerService("sink")
	static class Sink extends DataConsumerService<Sink.Config> {

		final List<String> received = new CopyOnWriteArrayList<>();

		volatile FbdpErrorCode closeCode;

		volatile List<String> closeDetails = List.of();

		private Duration delay = Duration.ZERO;

		@Override
		protected void prepare(Config config, ServiceContext context) {
			this.delay = config.delay();
		}

		@Override
		protected void acceptData(byte[] data) {
			sleep(this.delay.toMillis());
			this.received.add(new String(data, StandardCharsets.UTF_8));
		}

		@Override
		protected void pipeClosed(DataPipe pipe) {
			this.closeDetails = pipe.closeDetails();
			this.closeCode = pipe.closeCode();
		}

		record Config(@DefaultValue("0ms") Duration delay) {

		}

	}

	private static void sleep(long millis) {
		if (millis <= 0) {
			return;
		}
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
