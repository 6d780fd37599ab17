package dev.butler.actuate.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

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
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.service.WorkerPool;
import dev.butler.service.WorkerPoolOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that a service's worker pool shows in {@code /actuator/butler} under {@code pools}, with its
 * counts, and as {@code butler.pool.*} meters, over a real HTTP server.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=butler,prometheus")
class WorkerPoolWebIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String TAGS = "{pool=\"render\",service=\"thumbnailer\"}";

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Test
	void poolShouldShowItsCountsInTheEndpointAndAsMeters() throws Exception {
		JsonNode busy = pool();
		assertThat(busy.get("name").asString()).isEqualTo("render");
		assertThat(busy.get("state").asString()).isEqualTo("RUNNING");
		assertThat(busy.get("workers").asInt()).isOne();
		assertThat(busy.get("softCap").asInt()).isEqualTo(2);
		assertThat(busy.get("hardCap").asInt()).isEqualTo(2);
		assertThat(busy.get("active").asInt()).isOne();
		assertThat(busy.get("queued").asInt()).isEqualTo(2);
		assertThat(busy.get("rejected").asLong()).isOne();
		assertThat(busy.get("completed").asLong()).isZero();
		assertThat(ThumbnailerService.rejection).isEqualTo("Worker pool 'render' of service 'thumbnailer' is full: "
				+ "2 tasks queued, its hard cap (soft cap 2, 1 of 1 workers busy)");
		assertThat(get("/actuator/prometheus")).contains("butler_pool_active" + TAGS + " 1.0",
				"butler_pool_queued" + TAGS + " 2.0", "butler_pool_rejected_total" + TAGS + " 1.0");
		ThumbnailerService.release.countDown();
		JsonNode idle = await().atMost(Duration.ofSeconds(10))
			.until(this::pool, (node) -> node.get("completed").asLong() == 2 && node.get("errors").asLong() == 1);
		assertThat(idle.get("active").asInt()).isZero();
		assertThat(idle.get("queued").asInt()).isZero();
		assertThat(get("/actuator/prometheus")).contains("butler_pool_completed_total" + TAGS + " 2.0",
				"butler_pool_errors_total" + TAGS + " 1.0", "butler_pool_dropped_total" + TAGS + " 0.0",
				"butler_pool_queued" + TAGS + " 0.0");
		JsonNode thumbnailer = json.readTree(get("/actuator/butler/thumbnailer"));
		assertThat(thumbnailer.get("pipes").size()).isZero();
		assertThat(thumbnailer.get("queues").size()).isZero();
	}

	private JsonNode pool() throws Exception {
		JsonNode pools = json.readTree(get("/actuator/butler/thumbnailer")).get("pools");
		assertThat(pools.size()).isOne();
		return pools.get(0);
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
	@Import(ThumbnailerService.class)
	static class TestApplication {

	}

	/**
	 * Keeps its one worker busy until released, with its queue full and one task refused.
	 */
	@ButlerService(id = "thumbnailer")
	static class ThumbnailerService implements MicroService<Void> {

		static final CountDownLatch release = new CountDownLatch(1);

		static volatile String rejection;

		private WorkerPool pool;

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.pool = context.workerPool("render", WorkerPoolOptions.of(1).withCaps(2, 2));
		}

		@Override
		public void startActivities() throws Exception {
			CountDownLatch started = new CountDownLatch(1);
			this.pool.execute(() -> {
				started.countDown();
				awaitRelease();
			});
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			this.pool.execute(() -> {
				throw new IllegalStateException("corrupt image");
			});
			this.pool.execute(() -> {
			});
			try {
				this.pool.execute(() -> {
				});
			}
			catch (RejectedExecutionException ex) {
				rejection = ex.getMessage();
			}
		}

		private static void awaitRelease() {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
