package com.example.echo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the application on a random HTTP port and an ephemeral ZeroMQ port, finds the echo endpoint through
 * {@code /actuator/butler} and talks to it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "butler.services.echo.address=tcp://127.0.0.1:*")
class EchoApplicationTests {

	@LocalServerPort
	private int port;

	@Test
	void echoServiceRunsAndAnswersAtTheEndpointTheActuatorShows() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/butler")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		DocumentContext butler = JsonPath.parse(response.body());
		assertThat(butler.read("$.components.echo.state", String.class)).isEqualTo("RUNNING");
		assertThat(butler.read("$.components.echo.agent.name", String.class)).isEqualTo("example.echo");
		List<String> addresses = butler.read("$.components.echo.endpoints.echo");
		assertThat(addresses).singleElement().asString().startsWith("tcp://127.0.0.1:").doesNotEndWith(":*");
		try (ZContext zmq = new ZContext()) {
			ZMQ.Socket client = zmq.createSocket(SocketType.DEALER);
			client.setHandshakeIvl(1_000);
			client.setReceiveTimeOut(10_000);
			client.connect(addresses.get(0));
			client.send("hello", 0);
			assertThat(client.recvStr(0)).isEqualTo("hello");
		}
	}

}
