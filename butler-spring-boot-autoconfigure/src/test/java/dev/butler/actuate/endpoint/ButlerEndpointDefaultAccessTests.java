package dev.butler.actuate.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import dev.butler.control.ButlerComponents;
import dev.butler.protocol.State;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that {@code /actuator/butler} only reads unless its write operations are granted.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=butler", "butler.services.idle.greeting=hello" })
class ButlerEndpointDefaultAccessTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private ButlerComponents components;

	@Test
	void endpointWithoutGrantedAccessShouldReadButRefuseToStopAService() throws Exception {
		assertThat(send(HttpRequest.newBuilder(uri()).GET()).statusCode()).isEqualTo(200);
		HttpResponse<String> stop = send(HttpRequest.newBuilder(uri())
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"stop\"}")));
		assertThat(stop.statusCode()).as(stop.body()).isBetween(400, 499);
		assertThat(this.components.find("idle").orElseThrow().state()).isEqualTo(State.RUNNING);
	}

	@Test
	void endpointByDefaultShouldShowConfigurationKeysButNotTheirValues() throws Exception {
		HttpResponse<String> read = send(HttpRequest.newBuilder(uri()).GET());
		JsonNode properties = JsonMapper.shared().readTree(read.body()).get("configuration").get("properties");
		assertThat(properties.propertyNames()).contains("greeting", "stop-timeout", "optional");
		assertThat(properties.get("greeting").asString()).isEqualTo("******");
		assertThat(properties.get("stop-timeout").asString()).isEqualTo("******");
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri() {
		return URI.create("http://localhost:" + this.port + "/actuator/butler/idle");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(IdleService.class)
	static class TestApplication {

	}

	@ButlerService(id = "idle")
	static class IdleService implements MicroService<IdleService.Settings> {

		@Override
		public void initialize(Settings config, ServiceContext context) {
			context.createChannel("in", ZmqSocketType.PULL, (channel, message) -> {
			});
			context.addEndpoint("in", "tcp://127.0.0.1:*");
		}

		record Settings(String greeting) {

		}

	}

}
