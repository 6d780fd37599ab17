package dev.butler.actuate.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of supervision groups and triggers in {@code /actuator/butler} over HTTP on a real server.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=butler",
				"management.endpoint.butler.access=unrestricted", "butler.supervision.groups.pair.services=left,right",
				"butler.supervision.groups.pair.strategy=rest-for-one", "butler.services.left.on-start[0].action=start",
				"butler.services.left.on-start[0].target=right" })
class SupervisionWebIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final List<String> events = new CopyOnWriteArrayList<>();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Test
	void readShouldShowGroupsAndTheTriggersOfEachService() throws Exception {
		JsonNode body = get("/actuator/butler", 200);
		JsonNode pair = body.get("groups").get("pair");
		assertThat(pair.get("strategy").asString()).isEqualTo("REST_FOR_ONE");
		assertThat(pair.get("members").get(1).asString()).isEqualTo("right");
		assertThat(pair.get("gaveUpBecause").isNull()).isTrue();
		JsonNode trigger = body.get("components").get("left").get("triggers").get(0);
		assertThat(trigger.get("trigger").get("event").asString()).isEqualTo("START");
		assertThat(trigger.get("trigger").get("action").asString()).isEqualTo("START");
		assertThat(trigger.get("trigger").get("target").asString()).isEqualTo("right");
		assertThat(body.get("components").get("right").get("triggers").size()).isZero();
	}

	@Test
	void restartOfAGroupShouldStopItsServicesInReverseOrderAndStartThemInOrder() throws Exception {
		events.clear();
		JsonNode result = post("/actuator/butler/groups/pair", "{\"action\":\"restart\"}", 200);
		assertThat(result.get("success").asBoolean()).isTrue();
		assertThat(result.get("status").get("name").asString()).isEqualTo("pair");
		assertThat(events).startsWith("stop right", "stop left", "start left");
		assertThat(events).contains("start right");
		assertThat(get("/actuator/butler/right", 200).get("state").asString()).isEqualTo("RUNNING");
	}

	@Test
	void controlOfAnUnknownGroupShouldAnswer404NamingTheGroups() throws Exception {
		JsonNode error = post("/actuator/butler/groups/piar", "{\"action\":\"stop\"}", 404);
		assertThat(error.get("message").asString()).isEqualTo("No group 'piar'; there are: pair");
	}

	@Test
	void configureOfAGroupShouldAnswer400() throws Exception {
		JsonNode error = post("/actuator/butler/groups/pair", "{\"action\":\"configure\"}", 400);
		assertThat(error.get("message").asString())
			.isEqualTo("Unknown action 'configure' for a group, expected one of stop, start, restart");
	}

	private JsonNode get(String path, int expectedStatus) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(expectedStatus);
		return json.readTree(response.body());
	}

	private JsonNode post(String path, String body, int expectedStatus) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + " " + body + " -> " + response.body()).isEqualTo(expectedStatus);
		return json.readTree(response.body());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		EventService left() {
			return new EventService();
		}

		@Bean
		EventService right() {
			return new EventService();
		}

	}

	@ButlerService
	static class EventService implements MicroService<Void> {

		private ServiceContext context;

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.context = context;
		}

		@Override
		public void startActivities() {
			events.add("start " + this.context.serviceId());
		}

		@Override
		public void stopActivities() {
			events.add("stop " + this.context.serviceId());
		}

	}

}
