package dev.butler.control;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests the lifecycle phase of services against the web server and the scheduler.
 */
class ManagedMicroServicePhaseTests {

	@Test
	void servicesStartBeforeWebServerAndStopAfterItDrainedButBeforeScheduler() throws IOException {
		int port;
		try (ServerSocket probe = new ServerSocket(0)) {
			port = probe.getLocalPort();
		}
		ObservingService.port = port;
		ConfigurableApplicationContext context = new SpringApplication(TestApplication.class)
			.run("--server.port=" + port, "--spring.main.banner-mode=off");
		assertThat(((WebServerApplicationContext) context).getWebServer().getPort()).isEqualTo(port);
		ObservingService service = context.getBean(ObservingService.class);
		assertThat(service.events).containsExactly("started: web server accepting=false");
		assertThat(accepting(port)).isTrue();
		service.scheduler = context.getBean(ButlerAutoConfiguration.TASK_SCHEDULER_BEAN_NAME,
				ThreadPoolTaskScheduler.class);
		context.close();
		assertThat(service.events).containsExactly("started: web server accepting=false",
				"stopping: web server accepting=false, scheduler running=true");
	}

	static boolean accepting(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(ObservingService.class)
	static class TestApplication {

	}

	@ButlerService("observer")
	static class ObservingService implements MicroService<Void> {

		final List<String> events = new ArrayList<>();

		volatile ThreadPoolTaskScheduler scheduler;

		static volatile int port;

		@Override
		public void initialize(Void config, ServiceContext context) {
		}

		@Override
		public void startActivities() {
			this.events.add("started: web server accepting=" + accepting(port));
		}

		@Override
		public void stopActivities() {
			this.events.add("stopping: web server accepting=" + accepting(port) + ", scheduler running="
					+ this.scheduler.isRunning());
		}

	}

}
