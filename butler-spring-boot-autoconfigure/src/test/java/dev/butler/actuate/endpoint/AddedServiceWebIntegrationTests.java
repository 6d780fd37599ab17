package dev.butler.actuate.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.butler.autoconfigure.ButlerServices;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a service added at run time shows in {@code /actuator/butler}, health and metrics over
 * HTTP on a real server, as a declared one does.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=butler,health,prometheus",
				"management.endpoint.health.show-details=always", "butler.services.late.added-at-run-time=true" })
class AddedServiceWebIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private ButlerServices services;

	@Test
	void addedServiceShouldShowInTheEndpointHealthAndMetrics() throws Exception {
		assertThat(json.readTree(get("/actuator/butler")).get("components").has("late")).isFalse();
		this.services.add("late", new LateService());
		assertThat(json.readTree(get("/actuator/butler")).get("components").get("late").get("state").asString())
			.isEqualTo("RUNNING");
		JsonNode late = json.readTree(get("/actuator/butler/late"));
		assertThat(late.get("state").asString()).isEqualTo("RUNNING");
		assertThat(late.get("agent").get("name").asString()).isEqualTo("test.late");
		JsonNode health = json.readTree(get("/actuator/health"));
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/butler/details/late/state").asString()).isEqualTo("RUNNING");
		assertThat(get("/actuator/prometheus"))
			.contains("butler_service_state{kind=\"service\",service=\"late\",state=\"RUNNING\"} 1.0");
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

	@ButlerService(name = "test.late", vendor = "e3a3c7a4-3a9f-4f8e-9d8c-6f7b2e0c1a11")
	static class LateService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
		}

	}

}
