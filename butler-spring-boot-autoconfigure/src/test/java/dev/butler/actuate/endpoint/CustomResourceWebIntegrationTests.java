package dev.butler.actuate.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import dev.butler.service.ButlerService;
import dev.butler.service.Counter;
import dev.butler.service.MicroService;
import dev.butler.service.ResourceSnapshot;
import dev.butler.service.ServiceContext;
import dev.butler.service.ServiceResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that a resource of a kind Butler does not know shows in {@code /actuator/butler} and gets
 * meters, through nothing but its own {@link ResourceSnapshot}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=butler,prometheus",
				"management.endpoint.butler.access=unrestricted" })
class CustomResourceWebIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Pattern RENEWALS = Pattern
		.compile("butler_lease_renewals_total\\{lease=\"primary\",service=\"leaser\"} (\\d+)\\.0");

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Test
	void readShouldListAResourceOfANewKindUnderItsGroupBesideTheStandardOnes() throws Exception {
		JsonNode leaser = json.readTree(get("/actuator/butler/leaser"));
		assertThat(leaser.get("leases").size()).isOne();
		JsonNode lease = leaser.get("leases").get(0);
		assertThat(lease.get("name").asString()).isEqualTo("primary");
		assertThat(lease.get("holder").asString()).isEqualTo("node-1");
		assertThat(lease.get("renewals").asLong()).isEqualTo(LeaseResource.RENEWALS_PER_RUN);
		assertThat(leaser.get("pipes").isArray()).isTrue();
		assertThat(leaser.get("pipes").size()).isZero();
		assertThat(leaser.get("queues").size()).isZero();
		assertThat(leaser.get("pools").size()).isZero();
	}

	@Test
	void metersOfANewKindShouldCountOverAllRunsWhileTheSnapshotShowsTheCurrentOne() throws Exception {
		long before = await().atMost(Duration.ofSeconds(10)).until(this::renewals, (count) -> count > 0);
		post("/actuator/butler/leaser", "{\"action\":\"restart\"}");
		JsonNode lease = json.readTree(get("/actuator/butler/leaser")).get("leases").get(0);
		assertThat(lease.get("renewals").asLong()).isEqualTo(LeaseResource.RENEWALS_PER_RUN);
		assertThat(renewals()).isEqualTo(before + LeaseResource.RENEWALS_PER_RUN);
		assertThat(get("/actuator/prometheus"))
			.contains("butler_lease_holders{lease=\"primary\",service=\"leaser\"} 1.0");
	}

	private long renewals() throws Exception {
		Matcher matcher = RENEWALS.matcher(get("/actuator/prometheus"));
		return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	private void post(String path, String body) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + " " + body + " -> " + response.body()).isEqualTo(200);
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(LeaserService.class)
	static class TestApplication {

	}

	@ButlerService(id = "leaser")
	static class LeaserService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.addResource(new LeaseResource());
		}

	}

	/**
	 * A lease renewed a few times when the service starts; its counter starts from zero each run.
	 */
	static class LeaseResource implements ServiceResource {

		static final long RENEWALS_PER_RUN = 3;

		private final Counter renewals = new Counter();

		@Override
		public void open() {
			this.renewals.add(RENEWALS_PER_RUN);
		}

		@Override
		public void close(String reason) {
		}

		@Override
		public LeaseSnapshot describe() {
			return new LeaseSnapshot("primary", "node-1", this.renewals.get());
		}

	}

	record LeaseSnapshot(String name, String holder, long renewals) implements ResourceSnapshot {

		@Override
		public String kind() {
			return "lease";
		}

		@Override
		public List<Count> counters() {
			return List.of(new Count("renewals", this.renewals, true, "Lease renewals"));
		}

		@Override
		public List<Level> gauges() {
			return List.of(new Level("holders", 1, "Holders of the lease"));
		}

	}

}
