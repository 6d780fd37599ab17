package dev.butler.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.TestSocketUtils;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponent.ConfigurationReply;
import dev.butler.control.ButlerComponents;
import dev.butler.control.RunEnding;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.queue.DirectoryQueue;
import dev.butler.supervision.SupervisionStatus;
import dev.butler.supervision.Supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the whole application, on ports of its own so that it does not clash with a running sample,
 * and with its files in a temporary directory, closed before the directory is deleted.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "butler.services.sensor.interval=50ms", "butler.services.aggregator.address=tcp://127.0.0.1:*",
				"butler.services.aggregator.report-interval=0s", "butler.services.uplink.link-lifetime=500ms",
				"butler.services.uplink.backoff.min=10ms", "butler.services.uplink.max-restarts=1000" })
class SampleApplicationTests {

	private static final String READINGS_ADDRESS = "tcp://127.0.0.1:" + TestSocketUtils.findAvailableTcpPort();

	private static final String LOG_LINES_ADDRESS = "tcp://127.0.0.1:" + TestSocketUtils.findAvailableTcpPort();

	private static final String PROBLEMS_ADDRESS = "tcp://127.0.0.1:" + TestSocketUtils.findAvailableTcpPort();

	private static final String MONITOR_ADDRESS = "tcp://127.0.0.1:" + TestSocketUtils.findAvailableTcpPort();

	private static final String BUS_FRONTEND = "tcp://127.0.0.1:" + TestSocketUtils.findAvailableTcpPort();

	private static final String BUS_BACKEND = "tcp://127.0.0.1:" + TestSocketUtils.findAvailableTcpPort();

	@TempDir
	static Path work;

	private final ZContext zmq = new ZContext();

	@Autowired
	private ButlerComponents components;

	@Autowired
	private Supervisor supervisor;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void addresses(DynamicPropertyRegistry registry) {
		registry.add("butler.services.sensor.address", () -> READINGS_ADDRESS);
		registry.add("butler.services.aggregator.source", () -> READINGS_ADDRESS);
		registry.add("butler.services.log-reader.pipe-address", () -> LOG_LINES_ADDRESS);
		registry.add("butler.services.log-filter.input-pipe-address", () -> LOG_LINES_ADDRESS);
		registry.add("butler.services.log-filter.output-pipe-address", () -> PROBLEMS_ADDRESS);
		registry.add("butler.services.log-writer.pipe-address", () -> PROBLEMS_ADDRESS);
		registry.add("butler.services.log-writer.filename", () -> problemsFile().toString());
		registry.add("butler.services.problem-report.filename", () -> problemsFile().toString());
		registry.add("butler.services.uplink.source", () -> READINGS_ADDRESS);
		registry.add("butler.spool-dir", () -> spool().toString());
		registry.add("butler.monitor.publish-address", () -> MONITOR_ADDRESS);
		registry.add("butler.monitor.interval", () -> "200ms");
		registry.add("butler.context.bus.frontend", () -> BUS_FRONTEND);
		registry.add("butler.context.bus.backend", () -> BUS_BACKEND);
		registry.add("butler.context.definitions.digest.services.writer.options.filename",
				() -> work.resolve("errors-{transaction}.log").toString());
	}

	private static Path problemsFile() {
		return work.resolve("problems.log");
	}

	private static Path spool() {
		return work.resolve("spool");
	}

	@AfterEach
	void closeZmq() {
		this.zmq.close();
	}

	@Test
	void servicesAreRunningWithTheirAgentIdentityAndEndpoints() {
		ButlerComponent sensor = component("sensor");
		ButlerComponent aggregator = component("aggregator");
		assertThat(sensor.state()).isEqualTo(State.RUNNING);
		assertThat(aggregator.state()).isEqualTo(State.RUNNING);
		assertThat(sensor.agent().name()).isEqualTo("sample.sensor");
		assertThat(sensor.agent().classification()).isEqualTo("sample/sensor");
		assertThat(aggregator.agent().name()).isEqualTo("sample.aggregator");
		assertThat(aggregator.agent().version()).isEqualTo("0.1.0");
		assertThat(sensor.endpoints()).containsEntry("readings", List.of(READINGS_ADDRESS));
		assertThat(queryAddress()).startsWith("tcp://127.0.0.1:").doesNotEndWith("*");
	}

	@Test
	void statsQueryAnswersStatisticsOfReadingsReceivedFromTheSensor() {
		DocumentContext stats = awaitStats((json) -> json.read("$.count", Integer.class) >= 3);
		assertThat(stats.read("$.window", Integer.class)).isEqualTo(60);
		assertThat(stats.read("$.rejected", Integer.class)).isZero();
		double min = stats.read("$.min", Double.class);
		double max = stats.read("$.max", Double.class);
		double mean = stats.read("$.mean", Double.class);
		assertThat(min).isBetween(10.0, 30.0);
		assertThat(mean).isBetween(min, max);
		assertThat(stats.read("$.last.sequence", Long.class)).isPositive();
		assertThat(stats.read("$.last.timestamp", String.class)).isNotBlank();
	}

	@Test
	void reqClientGetsAnAnswerToo() {
		try (ZMQ.Socket client = this.zmq.createSocket(SocketType.REQ)) {
			connect(client);
			client.send(AggregatorService.STATS);
			assertThat(JsonPath.parse(client.recvStr()).read("$.window", Integer.class)).isEqualTo(60);
		}
	}

	@Test
	void unknownQueryAnswersAnError() {
		assertThat(query("statistics")).isEqualTo("{\"error\":\"Unknown query, expected 'stats'\"}");
	}

	@Test
	void configureWindowAtRunTimeNarrowsTheStatistics() {
		ButlerComponent aggregator = component("aggregator");
		try {
			ConfigurationReply reply = aggregator.configure(Map.of("window", 5));
			assertThat(reply.accepted()).as(reply.message()).isTrue();
			DocumentContext stats = awaitStats((json) -> json.read("$.received", Integer.class) > 5
					&& json.read("$.count", Integer.class) == 5);
			assertThat(stats.read("$.window", Integer.class)).isEqualTo(5);
			assertThat(aggregator.configure(Map.of("window", "7")).accepted()).isTrue();
			assertThat(JsonPath.parse(query(AggregatorService.STATS)).read("$.window", Integer.class)).isEqualTo(7);
		}
		finally {
			aggregator.configure(Map.of("window", 60));
		}
	}

	@Test
	void configureWithBadValueIsRefusedWithTheReason() {
		ButlerComponent aggregator = component("aggregator");
		ConfigurationReply zero = aggregator.configure(Map.of("window", 0));
		assertThat(zero.accepted()).isFalse();
		assertThat(zero.message()).contains("Option 'window' must be an integer from 1 to 10000, got '0'");
		ConfigurationReply text = aggregator.configure(Map.of("window", "wide"));
		assertThat(text.accepted()).isFalse();
		assertThat(text.message()).contains("Option 'window' must be an integer from 1 to 10000, got 'wide'");
		ConfigurationReply unknown = aggregator.configure(Map.of("size", 5));
		assertThat(unknown.accepted()).isFalse();
		assertThat(unknown.message()).contains("Unknown option 'size': the aggregator accepts only 'window'");
		assertThat(JsonPath.parse(query(AggregatorService.STATS)).read("$.window", Integer.class)).isEqualTo(60);
		assertThat(aggregator.state()).isEqualTo(State.RUNNING);
	}

	@Test
	void restartedAggregatorStartsAgainFromItsConfiguration() {
		ButlerComponent aggregator = component("aggregator");
		assertThat(aggregator.configure(Map.of("window", 3)).accepted()).isTrue();
		aggregator.restart();
		DocumentContext stats = awaitStats((json) -> json.read("$.count", Integer.class) >= 4);
		assertThat(stats.read("$.window", Integer.class)).isEqualTo(60);
	}

	@Test
	void logPipelineWritesTheProblemLinesAndFinishesEveryStage() throws Exception {
		List<String> stages = List.of("log-reader", "log-filter", "log-writer");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> stages.stream().allMatch((id) -> component(id).state() == State.FINISHED));
		stages.forEach((id) -> assertThat(component(id).outcome()).as(id).isEqualTo(Outcome.OK));
		assertThat(component("log-filter").agent().name()).isEqualTo("saturnin.text.linefilter");
		List<String> problems = Files.readAllLines(problemsFile(), StandardCharsets.UTF_8);
		assertThat(problems).hasSize(554).allMatch((line) -> line.contains(" WARN ") || line.contains(" ERROR "));
		assertThat(problems).anyMatch((line) -> line.contains("«quantity»"));
	}

	@Test
	void writersOnExitTriggerRunsTheOneShotReportOnce() {
		ButlerComponent report = component("problem-report");
		await().atMost(Duration.ofSeconds(20)).until(() -> report.state() == State.FINISHED);
		assertThat(report.outcome()).isEqualTo(Outcome.OK);
		assertThat(report.details()).containsExactly("554 problem lines: 376 WARN, 178 ERROR");
		assertThat(this.supervisor.triggers().get(0).fired()).isOne();
	}

	@Test
	void uplinkThatLosesItsLinkIsBroughtBackByItsSupervisor() {
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.supervisor.status("uplink").restarts().getOrDefault(RunEnding.ERROR, 0L) >= 2
					&& component("uplink").isRunning());
		assertThat(this.supervisor.status("uplink").gaveUpBecause()).isNull();
	}

	@Test
	void diskWatchCommandRunsAsASupervisedService() {
		ButlerComponent diskWatch = component("disk-watch");
		await().atMost(Duration.ofSeconds(20)).until(diskWatch::isRunning);
		assertThat(diskWatch.agent().name()).isEqualTo("butler.command");
		assertThat(this.supervisor.status("disk-watch").phase()).isEqualTo(SupervisionStatus.Phase.RUNNING);
	}

	@Test
	void alertTriageTurnsProblemLinesDroppedIntoItsQueueIntoTickets() throws Exception {
		DirectoryQueue alerts = DirectoryQueue.open(spool().resolve("alerts"));
		DirectoryQueue tickets = DirectoryQueue.open(spool().resolve("tickets"));
		String error = alerts.enqueue(bytes("2026-11-01T08:00:05.120 ERROR [billing] payment gateway timed out"));
		alerts.enqueue(bytes("2026-11-01T08:00:05.300 INFO  [billing] batch committed"));
		String garbage = alerts.enqueue(bytes("not a log line"));
		await().atMost(Duration.ofSeconds(10)).until(() -> tickets.countIncoming() == 1 && alerts.countErrors() == 1
				&& alerts.countIncoming() == 0);
		DocumentContext ticket = JsonPath.parse(Files.readString(tickets.incoming().resolve(error)));
		assertThat(ticket.read("$.component", String.class)).isEqualTo("billing");
		assertThat(ticket.read("$.priority", String.class)).isEqualTo("high");
		assertThat(ticket.read("$.text", String.class)).isEqualTo("payment gateway timed out");
		assertThat(alerts.errors().resolve(garbage + ".meta")).content().contains("Not a log line");
		DocumentContext butler = JsonPath.parse(get("/actuator/butler").body());
		String queue = "$.components.alert-triage.queues[0]";
		assertThat(butler.read(queue + ".directory", String.class)).isEqualTo(alerts.directory().toString());
		assertThat(butler.read(queue + ".state", String.class)).isEqualTo("ACTIVE");
		assertThat(butler.read(queue + ".processed", Long.class)).isGreaterThanOrEqualTo(3);
		assertThat(butler.read(queue + ".handedOn", Long.class)).isGreaterThanOrEqualTo(1);
		assertThat(butler.read(queue + ".banished", Long.class)).isGreaterThanOrEqualTo(1);
		assertThat(butler.read(queue + ".committed", Long.class)).isGreaterThanOrEqualTo(1);
		assertThat(butler.read(queue + ".backlog", Long.class)).isZero();
		assertThat(get("/actuator/prometheus").body()).containsPattern(
				"butler_queue_messages_total\\{outcome=\"handed-on\",queue=\"queue-in\",service=\"alert-triage\"} [1-9]")
			.contains("butler_queue_backlog{queue=\"queue-in\",service=\"alert-triage\"} 0.0");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void sensorRefusesRunTimeConfiguration() {
		ConfigurationReply reply = component("sensor").configure(Map.of("interval", "2s"));
		assertThat(reply.accepted()).isFalse();
		assertThat(reply.message()).contains("does not support run-time configuration");
	}

	@Test
	void healthIsUpWithProbes() throws Exception {
		HttpResponse<String> health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(JsonPath.parse(health.body()).read("$.status", String.class)).isEqualTo("UP");
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
	}

	@Test
	void prometheusExposesMetricsOfScheduledActions() throws Exception {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			HttpResponse<String> prometheus = get("/actuator/prometheus");
			assertThat(prometheus.statusCode()).isEqualTo(200);
			assertThat(prometheus.body())
				.containsPattern("butler_action_seconds_count\\{action=\"publish\",.*service=\"sensor\"} [1-9]");
		});
	}

	@Test
	void digestContextRunsItsNightlyTransactionAndAnotherStartedOverTheBus() throws Exception {
		assertErrorLines(work.resolve("errors-nightly.log"));
		try (ZMQ.Socket requests = this.zmq.createSocket(SocketType.PUB);
				ZMQ.Socket answers = this.zmq.createSocket(SocketType.SUB)) {
			answers.subscribe("state");
			answers.subscribe("error");
			requests.connect(BUS_FRONTEND);
			answers.connect(BUS_BACKEND);
			answers.setReceiveTimeOut(100);
			String reply = null;
			for (int i = 0; i < 100 && reply == null; i++) {
				requests.sendMore("state");
				requests.send(busRequest("state", "nightly", "request", null));
				reply = answers.recvStr();
			}
			assertThat(reply).isEqualTo("state");
			assertThat(answers.recvStr()).contains("\"transaction\":\"nightly\"");
			requests.sendMore("context");
			requests.send(busRequest("context", "adhoc", "start", "{\"context\": \"digest\"}"));
			answers.setReceiveTimeOut(15_000);
			String topic = answers.recvStr();
			String answer = answers.recvStr();
			while ("state".equals(topic) && answer.contains("\"nightly\"")) {
				topic = answers.recvStr();
				answer = answers.recvStr();
			}
			assertThat(topic).as(answer).isEqualTo("state");
			assertThat(JsonPath.parse(answer).read("$.content.state.services[*].serviceId", List.class))
				.containsExactly("reader-adhoc", "errors-adhoc", "writer-adhoc");
		}
		assertErrorLines(work.resolve("errors-adhoc.log"));
	}

	@Test
	void butlerEndpointListsTheRunningTransactionsOfContexts() throws Exception {
		DocumentContext butler = JsonPath.parse(get("/actuator/butler").body());
		List<String> transactions = butler.read("$.contexts[*].transaction", List.class);
		assertThat(transactions).contains("nightly");
		assertThat(butler.read("$.components['writer-nightly'].agent.name", String.class))
			.isEqualTo("saturnin.text.writer");
		assertThat(butler.read("$.groups['digest-nightly'].members", List.class))
			.containsExactly("reader-nightly", "errors-nightly", "writer-nightly");
	}

	private static void assertErrorLines(Path file) {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(file)
			.satisfies((path) -> assertThat(Files.readAllLines(path, StandardCharsets.UTF_8)).hasSize(178)
				.allMatch((line) -> line.contains(" ERROR "))));
	}

	private static String busRequest(String serviceName, String transaction, String action, String content) {
		return "{\"header\": {\"service_name\": \"" + serviceName + "\", \"transaction\": \"" + transaction
				+ "\", \"action\": \"" + action + "\"}" + ((content != null) ? ", \"content\": " + content : "") + "}";
	}

	@Test
	void monitorStreamPublishesSamplesOfTheApplicationAndItsCommand() {
		try (ZMQ.Socket stream = this.zmq.createSocket(SocketType.SUB)) {
			stream.subscribe("context_info");
			stream.connect(MONITOR_ADDRESS);
			stream.setReceiveTimeOut(10_000);
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				assertThat(stream.recvStr()).isEqualTo("context_info");
				String sample = stream.recvStr();
				assertThat(JsonPath.parse(sample).read("$.services.jvm.pid", Long.class))
					.isEqualTo(ProcessHandle.current().pid());
				assertThat(JsonPath.parse(sample).read("$.services['disk-watch'].processes", List.class)).isNotEmpty();
			});
		}
	}

	private ButlerComponent component(String id) {
		return this.components.find(id).orElseThrow();
	}

	private String queryAddress() {
		return component("aggregator").endpoints().get("query").get(0);
	}

	private String query(String request) {
		try (ZMQ.Socket client = this.zmq.createSocket(SocketType.DEALER)) {
			connect(client);
			client.send(request);
			String reply = client.recvStr();
			assertThat(reply).as("reply to '%s'", request).isNotNull();
			return reply;
		}
	}

	private void connect(ZMQ.Socket client) {
		client.setHandshakeIvl(1000);
		client.setReceiveTimeOut(5000);
		client.connect(queryAddress());
	}

	private DocumentContext awaitStats(Predicate<DocumentContext> condition) {
		return await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> JsonPath.parse(query(AggregatorService.STATS)), condition);
	}

	private HttpResponse<String> get(String path) throws Exception {
		HttpClient client = HttpClient.newHttpClient();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build();
		return client.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
