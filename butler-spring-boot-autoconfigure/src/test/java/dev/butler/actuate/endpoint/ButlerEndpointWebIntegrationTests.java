package dev.butler.actuate.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.butler.pipe.DataConsumerService;
import dev.butler.pipe.DataProducerService;
import dev.butler.pipe.PipeTestSupport;
import dev.butler.service.ButlerService;
import dev.butler.service.ConfigurationRequest;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@code /actuator/butler}, health and Prometheus metrics over HTTP on a real server.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=butler,health,prometheus",
				"management.endpoint.butler.access=unrestricted",
				"management.endpoint.health.show-details=always", "management.endpoint.butler.show-values=always",
				"butler.services.fragile.stop-timeout=2s", "butler.services.fragile.restart=temporary",
				"butler.services.batch.restart=temporary", "butler.services.ticker.api-token=s3cret",
				"butler.services.ticker.label=hidden by the application" })
class ButlerEndpointWebIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String PIPE_ADDRESS = PipeTestSupport.freeTcpAddress();

	private static final String PIPE_FORMAT = "text/plain;charset=utf-8";

	private static ZContext zmq;

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void pipeProperties(DynamicPropertyRegistry registry) {
		registry.add("butler.services.numbers.pipe", () -> "numbers");
		registry.add("butler.services.numbers.pipe-address", () -> PIPE_ADDRESS);
		registry.add("butler.services.numbers.pipe-mode", () -> "bind");
		registry.add("butler.services.numbers.batch-size", () -> "20");
		registry.add("butler.services.numbers.stop-on-close", () -> "false");
		registry.add("butler.services.sink.pipe", () -> "numbers");
		registry.add("butler.services.sink.pipe-address", () -> PIPE_ADDRESS);
		registry.add("butler.services.sink.pipe-mode", () -> "connect");
		registry.add("butler.services.sink.pipe-format", () -> PIPE_FORMAT);
		registry.add("butler.services.sink.batch-size", () -> "7");
		registry.add("butler.services.sink.stop-on-close", () -> "false");
	}

	@BeforeAll
	static void createContext() {
		zmq = new ZContext();
	}

	@AfterAll
	static void closeContext() {
		zmq.close();
	}

	@Test
	void readShouldDescribeEveryService() throws Exception {
		JsonNode body = get("/actuator/butler", 200);
		JsonNode echo = body.get("components").get("ticker");
		assertThat(echo.get("state").asString()).isEqualTo("RUNNING");
		assertThat(echo.get("kind").asString()).isEqualTo("SERVICE");
		assertThat(echo.get("agent").get("name").asString()).isEqualTo("test.ticker");
		assertThat(echo.get("agent").get("classification").asString()).isEqualTo("test/ticker");
		assertThat(echo.get("peer").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
		assertThat(echo.get("endpoints").get("in").get(0).asString()).startsWith("tcp://127.0.0.1:");
		assertThat(echo.get("scheduledActions").get(0).get("name").asString()).isEqualTo("tick");
		assertThat(echo.get("startedAt").isNull()).isFalse();
		assertThat(echo.get("uptime").isNull()).isFalse();
		assertThat(body.get("components").has("fragile")).isTrue();
	}

	@Test
	void readShouldDescribeThePipesOfEveryService() throws Exception {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> pipe(get("/actuator/butler/sink", 200)).get("state").asString().equals("CLOSED")
					&& pipe(get("/actuator/butler/numbers", 200)).get("state").asString().equals("WAITING"));
		JsonNode components = get("/actuator/butler", 200).get("components");
		JsonNode producer = pipe(components.get("numbers"));
		assertThat(components.get("numbers").get("pipes").size()).isOne();
		assertThat(producer.get("name").asString()).isEqualTo("pipe");
		assertThat(producer.get("pipe").asString()).isEqualTo("numbers");
		assertThat(producer.get("role").asString()).isEqualTo("PRODUCER");
		assertThat(producer.get("mode").asString()).isEqualTo("BIND");
		assertThat(producer.get("address").asString()).isEqualTo(PIPE_ADDRESS);
		assertThat(producer.get("peer").isNull()).isTrue();
		assertThat(producer.get("dataFormat").asString()).isEqualTo(PIPE_FORMAT);
		assertThat(producer.get("batchSize").asInt()).isEqualTo(20);
		assertThat(producer.get("closeCode").asString()).isEqualTo("OK");
		assertThat(producer.get("closeDetails").size()).isZero();
		assertThat(producer.get("messages").asLong()).isEqualTo(NumbersService.COUNT);
		assertThat(producer.get("bytes").asLong()).isEqualTo(NumbersService.BYTES);
		assertThat(producer.get("batches").asLong()).isEqualTo(15);
		assertThat(producer.get("refused").asLong()).isZero();
		JsonNode consumer = pipe(get("/actuator/butler/sink", 200));
		assertThat(consumer.get("role").asString()).isEqualTo("CONSUMER");
		assertThat(consumer.get("mode").asString()).isEqualTo("CONNECT");
		assertThat(consumer.get("peer").asString()).isEqualTo(PIPE_ADDRESS);
		assertThat(consumer.get("dataFormat").asString()).isEqualTo(PIPE_FORMAT);
		assertThat(consumer.get("batchSize").asInt()).isEqualTo(7);
		assertThat(consumer.get("state").asString()).isEqualTo("CLOSED");
		assertThat(consumer.get("closeCode").asString()).isEqualTo("OK");
		assertThat(consumer.get("messages").asLong()).isEqualTo(NumbersService.COUNT);
		assertThat(consumer.get("bytes").asLong()).isEqualTo(NumbersService.BYTES);
		assertThat(consumer.get("batches").asLong()).isEqualTo(15);
		assertThat(components.get("ticker").get("pipes").isArray()).isTrue();
		assertThat(components.get("ticker").get("pipes").size()).isZero();
	}

	@Test
	void readShouldShowTheConfigurationOfEachServiceSanitized() throws Exception {
		JsonNode configuration = get("/actuator/butler/ticker", 200).get("configuration");
		assertThat(configuration.get("prefix").asString()).isEqualTo("butler.services.ticker");
		JsonNode properties = configuration.get("properties");
		assertThat(properties.get("optional").asBoolean()).isFalse();
		assertThat(properties.get("auto-startup").asBoolean()).isTrue();
		assertThat(properties.get("stop-timeout").asString()).isEqualTo("10s");
		assertThat(properties.get("period").asString()).isEqualTo("1s");
		assertThat(properties.get("label").asString()).as("masked by the application's SanitizingFunction")
			.isEqualTo("******");
		assertThat(properties.get("api-token").asString()).as("a credential, masked although values show")
			.isEqualTo("******");
		JsonNode sink = get("/actuator/butler/sink", 200).get("configuration").get("properties");
		assertThat(sink.get("pipe-address").asString()).isEqualTo(PIPE_ADDRESS);
		assertThat(sink.get("pipe-format").asString()).isEqualTo(PIPE_FORMAT);
		assertThat(sink.get("batch-size").asInt()).isEqualTo(7);
		assertThat(sink.get("stop-timeout").asString()).isEqualTo("10s");
	}

	@Test
	void readShouldHideInternalPlumbingUnlessAsked() throws Exception {
		JsonNode ticker = get("/actuator/butler/ticker", 200);
		assertThat(ticker.get("controlAddress").isNull()).isTrue();
		assertThat(ticker.get("messages").get("channels").propertyNames()).containsExactly("in");
		JsonNode all = get("/actuator/butler?internal=true", 200).get("components").get("ticker");
		assertThat(all.get("controlAddress").asString()).startsWith("inproc://butler-control/ticker/");
		assertThat(all.get("messages").get("channels").propertyNames()).containsExactlyInAnyOrder("in", "#wake");
		assertThat(get("/actuator/butler", 200).get("components").get("ticker").get("controlAddress").isNull())
			.isTrue();
	}

	@Test
	void readUnknownServiceShouldAnswer404SayingWhy() throws Exception {
		JsonNode error = get("/actuator/butler/nope", 404);
		assertThat(error.get("status").asInt()).isEqualTo(404);
		assertThat(error.get("message").asString()).contains("'nope'").contains("ticker");
	}

	@Test
	void writeUnknownServiceShouldAnswer404SayingWhy() throws Exception {
		JsonNode error = post("/actuator/butler/nope", "{\"action\":\"stop\"}", 404);
		assertThat(error.get("message").asString()).contains("'nope'");
	}

	@Test
	void writeBadActionShouldAnswer400SayingWhy() throws Exception {
		assertThat(post("/actuator/butler/ticker", "{\"action\":\"explode\"}", 400).get("message").asString())
			.isEqualTo("Unknown action 'explode', expected one of stop, start, restart, configure");
		assertThat(post("/actuator/butler/ticker", "{}", 400).get("message").asString())
			.startsWith("Missing 'action'");
	}

	@Test
	void configureShouldSendIccpConfAndShowTheReply() throws Exception {
		JsonNode accepted = post("/actuator/butler/ticker", "{\"action\":\"configure\",\"options\":\"label=x; period = 20ms\"}",
				200);
		assertThat(accepted.get("success").asBoolean()).isTrue();
		assertThat(accepted.get("message").asString()).isEqualTo("OK");
		assertThat(post("/actuator/butler/ticker", "{\"action\":\"configure\",\"options\":\"nonsense\"}", 400)
			.get("message")
			.asString()).contains("'nonsense'");
		JsonNode invalid = post("/actuator/butler/ticker", "{\"action\":\"configure\",\"options\":\"period=soon\"}",
				409);
		assertThat(invalid.get("message").asString()).contains("period");
		JsonNode refused = post("/actuator/butler/ticker", "{\"action\":\"configure\",\"options\":\"label= \"}", 409);
		assertThat(refused.get("success").asBoolean()).isFalse();
		assertThat(refused.get("message").asString()).contains("'label' must not be blank");
	}

	@Test
	void configureShouldTakeAJsonObjectOfOptions() throws Exception {
		JsonNode accepted = post("/actuator/butler/ticker",
				"{\"action\":\"configure\",\"options\":\"{\\\"label\\\": \\\"x\\\", \\\"period\\\": \\\"20ms\\\"}\"}", 200);
		assertThat(accepted.get("success").asBoolean()).isTrue();
		JsonNode blank = post("/actuator/butler/ticker",
				"{\"action\":\"configure\",\"options\":\"{\\\"label\\\": \\\" \\\"}\"}", 409);
		assertThat(blank.get("message").asString()).contains("'label' must not be blank");
	}

	@Test
	void configureShouldRefuseDuplicateOptionsNamingThem() throws Exception {
		assertThat(post("/actuator/butler/ticker",
				"{\"action\":\"configure\",\"options\":\"{\\\"label\\\": \\\"x\\\", \\\"label\\\": \\\"y\\\"}\"}", 400)
			.get("message")
			.asString()).isEqualTo("Option(s) given more than once: 'label'");
		assertThat(post("/actuator/butler/ticker", "{\"action\":\"configure\",\"options\":\"period=1s;label=a;period=2s\"}",
				400)
			.get("message")
			.asString()).isEqualTo("Option(s) given more than once: 'period'");
	}

	@Test
	void configureShouldRefuseUnknownOptionsNamingThem() throws Exception {
		assertThat(post("/actuator/butler/ticker", "{\"action\":\"configure\",\"options\":\"colour=red;label=x;size=2\"}",
				400)
			.get("message")
			.asString()).isEqualTo(
					"Unknown option(s) 'colour', 'size' for service 'ticker': its options are label, period, api-token");
		assertThat(post("/actuator/butler/ticker", "{\"action\":\"configure\",\"options\":\"api_token=t;Period=2s\"}",
				200)
			.get("success")
			.asBoolean()).isTrue();
		assertThat(post("/actuator/butler/fragile", "{\"action\":\"configure\",\"options\":\"a=1\"}", 400)
			.get("message")
			.asString()).isEqualTo("Unknown option(s) 'a' for service 'fragile': it has no options");
	}

	@Test
	void stopStartAndRestartShouldDriveTheService() throws Exception {
		String firstPeer = get("/actuator/butler/fragile", 200).get("peer").get("uid").asString();
		JsonNode stopped = post("/actuator/butler/fragile", "{\"action\":\"stop\"}", 200);
		assertThat(stopped.get("state").asString()).isEqualTo("FINISHED");
		assertThat(stopped.get("outcome").asString()).isEqualTo("OK");
		JsonNode started = post("/actuator/butler/fragile", "{\"action\":\"start\"}", 200);
		assertThat(started.get("state").asString()).isEqualTo("RUNNING");
		JsonNode restarted = post("/actuator/butler/fragile", "{\"action\":\"restart\"}", 200);
		assertThat(restarted.get("state").asString()).isEqualTo("RUNNING");
		String lastPeer = get("/actuator/butler/fragile", 200).get("peer").get("uid").asString();
		assertThat(lastPeer).isNotEqualTo(firstPeer);
	}

	@Test
	void abortedRequiredServiceShouldMakeReadinessDown() throws Exception {
		get("/actuator/health/readiness", 200);
		String address = get("/actuator/butler/fragile", 200).get("endpoints").get("in").get(0).asString();
		try (ZMQ.Socket client = zmq.createSocket(SocketType.PUSH)) {
			// JeroMQ sometimes stalls a fresh handshake until the handshake interval (30 s by default).
			client.setHandshakeIvl(500);
			client.setLinger(0);
			client.connect(address);
			client.send("boom");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> get("/actuator/butler/fragile", 200).get("state").asString().equals("ABORTED"));
		}
		JsonNode fragile = get("/actuator/butler/fragile", 200);
		assertThat(fragile.get("outcome").asString()).isEqualTo("ERROR");
		assertThat(fragile.get("details").get(0).asString()).contains("boom");
		assertThat(fragile.get("supervision").get("restart").asString()).isEqualTo("TEMPORARY");
		assertThat(fragile.get("supervision").get("lastEnding").asString()).isEqualTo("CRASH");
		JsonNode lastError = fragile.get("recentErrors").get(fragile.get("recentErrors").size() - 1);
		assertThat(lastError.get("phase").asString()).isEqualTo("run");
		assertThat(lastError.get("details").get(0).asString()).contains("boom");
		assertThat(lastError.get("at").asString()).isNotBlank();
		JsonNode readiness = get("/actuator/health/readiness", 503);
		assertThat(readiness.get("status").asString()).isEqualTo("DOWN");
		assertThat(readiness.get("components").get("butler").get("status").asString()).isEqualTo("DOWN");
		post("/actuator/butler/fragile", "{\"action\":\"start\"}", 200);
		get("/actuator/health/readiness", 200);
	}

	@Test
	void aBatchStageThatFinishedWithErrorShouldNotHoldReadinessDown() throws Exception {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> get("/actuator/butler/batch", 200).get("state").asString().equals("FINISHED"));
		JsonNode readiness = get("/actuator/health/readiness", 200);
		assertThat(readiness.get("status").asString()).isEqualTo("UP");
		JsonNode batch = readiness.get("components").get("butler").get("details").get("batch");
		assertThat(batch.get("state").asString()).isEqualTo("FINISHED");
		assertThat(batch.get("outcome").asString()).isEqualTo("ERROR");
		assertThat(batch.get("done").asBoolean()).isTrue();
		assertThat(batch.get("details").get(0).asString()).isEqualTo("input ended early");
	}

	@Test
	void prometheusShouldShowPipeMeters() throws Exception {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			String metrics = getText("/actuator/prometheus");
			assertThat(metrics)
				.contains("butler_pipe_messages_total{pipe=\"pipe\",role=\"consumer\",service=\"sink\"} "
						+ NumbersService.COUNT + ".0")
				.contains("butler_pipe_bytes_total{pipe=\"pipe\",role=\"producer\",service=\"numbers\"} "
						+ NumbersService.BYTES + ".0")
				.contains("butler_pipe_batches_total{pipe=\"pipe\",role=\"producer\",service=\"numbers\"} 15.0")
				.contains("butler_pipe_refused_total{pipe=\"pipe\",role=\"consumer\",service=\"sink\"} 0.0");
		});
	}

	@Test
	void prometheusShouldShowButlerMeters() throws Exception {
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			String metrics = getText("/actuator/prometheus");
			assertThat(metrics)
				.contains("butler_service_state{kind=\"service\",service=\"ticker\",state=\"RUNNING\"} 1.0")
				.contains("butler_service_state{kind=\"service\",service=\"ticker\",state=\"FINISHED\"} 0.0")
				.contains("butler_service_outcome{kind=\"service\",outcome=\"UNKNOWN\",service=\"ticker\"} 1.0")
				.contains("butler_service_outcome{kind=\"service\",outcome=\"ERROR\",service=\"ticker\"} 0.0")
				.contains("butler_messages_received_total{kind=\"service\",service=\"ticker\"}")
				.contains("butler_service_errors_total{kind=\"service\",service=\"ticker\"}")
				.containsPattern("butler_action_seconds_count\\{[^}]*action=\"tick\"[^}]*service=\"ticker\"[^}]*\\} [1-9]");
		});
	}

	private JsonNode get(String path, int expectedStatus) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(expectedStatus);
		return response.body().isEmpty() ? null : json.readTree(response.body());
	}

	private String getText(String path) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	private JsonNode post(String path, String body, int expectedStatus) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + " " + body + " -> " + response.body()).isEqualTo(expectedStatus);
		return response.body().isEmpty() ? null : json.readTree(response.body());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	private static JsonNode pipe(JsonNode component) {
		return component.get("pipes").get(0);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ TickerService.class, FragileService.class, NumbersService.class, SinkService.class, BatchService.class })
	static class TestApplication {

		@Bean
		SanitizingFunction labelSanitizer() {
			return SanitizingFunction.sanitizeValue().ifKeyEquals("butler.services.ticker.label");
		}

	}

	@ButlerService(id = "ticker", name = "test.ticker", classification = "test/ticker")
	static class TickerService implements MicroService<TickerService.Settings> {

		@Override
		public void initialize(Settings config, ServiceContext context) {
			context.createChannel("in", ZmqSocketType.PULL, (channel, message) -> {
			});
			context.addEndpoint("in", "tcp://127.0.0.1:*");
			context.createChannel("#wake", ZmqSocketType.PULL, (channel, message) -> {
			}).bind("inproc://ticker-wake-" + UUID.randomUUID());
			context.scheduleAtFixedRate("tick", () -> {
			}, Duration.ofMillis(20));
		}

		@Override
		public void handleConfigRequest(ConfigurationRequest request) {
			Settings settings = request.bind(Settings.class);
			if (settings.label().isBlank()) {
				throw new IllegalArgumentException("Option 'label' must not be blank");
			}
		}

		record Settings(@DefaultValue("default") String label, @DefaultValue("1s") Duration period, String apiToken) {

		}

	}

	@ButlerService(id = "fragile")
	static class FragileService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.createChannel("in", ZmqSocketType.PULL, (channel, message) -> {
				throw new IllegalStateException("Told to fail: " + new String(message.get(0), StandardCharsets.UTF_8));
			});
			context.addEndpoint("in", "tcp://127.0.0.1:*");
		}

	}

	/**
	 * A batch stage that ends on its own with outcome ERROR soon after it started.
	 */
	@ButlerService(id = "batch")
	static class BatchService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.schedule("end", () -> context.stop(List.of("input ended early")), Duration.ofMillis(50));
		}

	}

	/**
	 * Binds a data pipe and produces {@link #COUNT} numbers into it, then ends the stream with
	 * CLOSE(OK).
	 */
	@ButlerService(id = "numbers")
	static class NumbersService extends DataProducerService<Void> {

		static final int COUNT = 100;

		/** "0" to "9" take a byte each, "10" to "99" two. */
		static final long BYTES = 10 + 90 * 2;

		private int next;

		@Override
		protected void prepare(Void config, ServiceContext context) {
			this.next = 0;
		}

		@Override
		protected byte[] produceData() {
			return (this.next < COUNT) ? String.valueOf(this.next++).getBytes(StandardCharsets.UTF_8) : null;
		}

	}

	/**
	 * Connects to the numbers pipe and takes what comes.
	 */
	@ButlerService(id = "sink")
	static class SinkService extends DataConsumerService<Void> {

		@Override
		protected void acceptData(byte[] data) {
		}

	}

}
