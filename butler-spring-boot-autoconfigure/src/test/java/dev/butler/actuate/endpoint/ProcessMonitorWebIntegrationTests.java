package dev.butler.actuate.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the process monitor in {@code /actuator/butler} and {@code /actuator/prometheus} over
 * HTTP on a real server, with a real command service.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=butler,prometheus",
				"management.endpoint.butler.access=unrestricted", "butler.monitor.enabled=true",
				"butler.monitor.interval=100ms", "butler.monitor.connections-every=1",
				"butler.services.cmd.agent=butler.command", "butler.services.cmd.command=sh",
				"butler.services.cmd.args[0]=-c", "butler.services.cmd.args[1]=sleep 600 & wait" })
class ProcessMonitorWebIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Test
	void gaugesOfEveryProcessShouldBeInPrometheusAndLeaveWhenTheCommandStops() throws Exception {
		long jvm = ProcessHandle.current().pid();
		JsonNode cmd = awaitCommandTree();
		long shell = cmd.get("processes").get(0).get("pid").asLong();
		long sleep = cmd.get("processes").get(1).get("pid").asLong();
		await().atMost(WAIT).untilAsserted(() -> assertThat(get("/actuator/prometheus"))
			.containsPattern("butler_process_rss_bytes\\{pid=\"" + jvm + "\",service=\"jvm\"\\} [1-9]")
			.containsPattern("butler_process_rss_bytes\\{pid=\"" + shell + "\",service=\"cmd\"\\} [1-9]")
			.containsPattern("butler_process_vms_bytes\\{pid=\"" + sleep + "\",service=\"cmd\"\\} [1-9]")
			.contains("butler_process_cpu_percent{pid=\"" + sleep + "\",service=\"cmd\"}")
			.containsPattern("butler_process_threads\\{pid=\"" + jvm + "\",service=\"jvm\"\\} [1-9]")
			.containsPattern("butler_process_open_files\\{pid=\"" + jvm + "\",service=\"jvm\"\\} [1-9]")
			.contains("butler_process_connections{pid=\"" + jvm + "\",service=\"jvm\"}"));
		HttpResponse<String> stopped = post("/actuator/butler/cmd", "{\"action\":\"stop\"}");
		assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
		await().atMost(WAIT).untilAsserted(() -> assertThat(get("/actuator/prometheus"))
			.doesNotContainPattern("butler_process_[a-z_]+\\{pid=\"\\d+\",service=\"cmd\"\\}")
			.contains("butler_process_rss_bytes{pid=\"" + jvm + "\",service=\"jvm\"}"));
		JsonNode processes = json.readTree(get("/actuator/butler")).get("processes");
		assertThat(processes.has("cmd")).isFalse();
		assertThat(processes.get("jvm").get("pid").asLong()).isEqualTo(jvm);
		assertThat(post("/actuator/butler/cmd", "{\"action\":\"start\"}").statusCode()).isEqualTo(200);
		assertThat(awaitCommandTree().get("pid").asLong()).isNotEqualTo(shell);
	}

	private JsonNode awaitCommandTree() {
		JsonNode[] cmd = new JsonNode[1];
		await().atMost(WAIT).untilAsserted(() -> {
			JsonNode processes = json.readTree(get("/actuator/butler")).get("processes");
			cmd[0] = processes.get("cmd");
			assertThat(cmd[0]).isNotNull();
			assertThat(cmd[0].get("processes").size()).isEqualTo(2);
		});
		return cmd[0];
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
		return response.body();
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
