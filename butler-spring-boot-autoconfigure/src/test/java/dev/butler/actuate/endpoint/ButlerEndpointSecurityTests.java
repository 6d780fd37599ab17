package dev.butler.actuate.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import dev.butler.control.ButlerComponents;
import dev.butler.protocol.State;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that Spring Security restricts the endpoint's write operations to a role, on a real server:
 * anyone authenticated reads, only an operator stops a service.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=butler",
				"management.endpoint.butler.access=unrestricted" })
class ButlerEndpointSecurityTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private ButlerComponents components;

	@Test
	void userWithoutTheRoleShouldReadButNotStopAService() throws Exception {
		assertThat(send("viewer", "GET", "/actuator/butler/idle", null).statusCode()).isEqualTo(200);
		assertThat(send("viewer", "POST", "/actuator/butler/idle", "{\"action\":\"stop\"}").statusCode())
			.isEqualTo(403);
		assertThat(send(null, "POST", "/actuator/butler/idle", "{\"action\":\"stop\"}").statusCode()).isEqualTo(401);
		assertThat(this.components.find("idle").orElseThrow().state()).isEqualTo(State.RUNNING);
	}

	@Test
	void userWithTheRoleShouldStopAndStartAService() throws Exception {
		HttpResponse<String> stopped = send("operator", "POST", "/actuator/butler/idle", "{\"action\":\"stop\"}");
		assertThat(stopped.statusCode()).isEqualTo(200);
		assertThat(stopped.body()).contains("\"state\":\"FINISHED\"");
		assertThat(this.components.find("idle").orElseThrow().state()).isEqualTo(State.FINISHED);
		HttpResponse<String> started = send("operator", "POST", "/actuator/butler/idle", "{\"action\":\"start\"}");
		assertThat(started.statusCode()).isEqualTo(200);
		assertThat(this.components.find("idle").orElseThrow().state()).isEqualTo(State.RUNNING);
	}

	private HttpResponse<String> send(String user, String method, String path, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody())
			.header("Content-Type", "application/json");
		if (user != null) {
			String credentials = user + ":secret";
			request.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableWebSecurity
	@Import(IdleService.class)
	static class SecuredApplication {

		@Bean
		SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
			http.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.GET, "/actuator/**")
				.authenticated()
				.requestMatchers("/actuator/butler/**")
				.hasRole("OPERATOR")
				.anyRequest()
				.denyAll());
			http.httpBasic(Customizer.withDefaults());
			http.csrf((csrf) -> csrf.ignoringRequestMatchers("/actuator/**"));
			return http.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("viewer").password("{noop}secret").roles("VIEWER").build(),
					User.withUsername("operator").password("{noop}secret").roles("OPERATOR").build());
		}

	}

	@ButlerService(id = "idle", name = "test.idle", vendor = "90ca7846-4948-5998-b367-8fc400f0f0bb")
	static class IdleService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
		}

	}

}
