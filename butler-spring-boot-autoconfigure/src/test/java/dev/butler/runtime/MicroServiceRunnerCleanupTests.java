package dev.butler.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.control.ManagedMicroService;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that a failed service stops what it started and releases what it acquired.
 */
class MicroServiceRunnerCleanupTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class))
		.withPropertyValues("butler.services.tracked.optional=true");

	@Test
	void warmUpFailureAfterAcquiringResourcesShouldReleaseThem() {
		TrackedService.failIn = "startActivities";
		this.contextRunner.withUserConfiguration(TrackedService.class).run((context) -> {
			TrackedService service = context.getBean(TrackedService.class);
			assertThat(context.getBean(ManagedMicroService.class).state()).isEqualTo(State.ABORTED);
			assertThat(service.calls).containsExactly("initialize", "acquireResources", "startActivities",
					"releaseResources", "cleanup three", "cleanup two", "cleanup one");
		});
	}

	@Test
	void warmUpFailureBeforeAcquiringResourcesShouldReleaseNothing() {
		TrackedService.failIn = "initialize";
		this.contextRunner.withUserConfiguration(TrackedService.class)
			.run((context) -> assertThat(context.getBean(TrackedService.class).calls).containsExactly("initialize"));
	}

	@Test
	void abortInHandlerShouldStopActivitiesAndReleaseResources() {
		TrackedService.failIn = "handler";
		this.contextRunner.withUserConfiguration(TrackedService.class).run((context) -> {
			TrackedService service = context.getBean(TrackedService.class);
			ManagedMicroService managed = context.getBean(ManagedMicroService.class);
			try (ZContext zmq = new ZContext(); ZMQ.Socket client = zmq.createSocket(SocketType.PUSH)) {
				client.setLinger(2000);
				client.setHandshakeIvl(500);
				client.connect(managed.endpoints().get("in").get(0));
				client.send("boom");
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> managed.state() == State.ABORTED);
			assertThat(service.calls).containsExactly("initialize", "acquireResources", "startActivities", "handler",
					"stopActivities", "releaseResources", "cleanup three", "cleanup two", "cleanup one");
		});
	}

	@Test
	void cleanupsShouldRunLastFirstWhenTheServiceStopsEvenAfterOneFails() {
		TrackedService.failIn = "cleanup two";
		this.contextRunner.withUserConfiguration(TrackedService.class).run((context) -> {
			TrackedService service = context.getBean(TrackedService.class);
			ManagedMicroService managed = context.getBean(ManagedMicroService.class);
			managed.stop();
			assertThat(service.calls).containsSubsequence("releaseResources", "cleanup three", "cleanup two",
					"cleanup one");
			assertThat(managed.outcome()).isEqualTo(Outcome.OK);
			assertThat(managed.details()).containsExactly("Cleanup 'two' failed: Failing in cleanup two");
			assertThat(managed.statistics().recentErrors()).singleElement().satisfies((error) -> {
				assertThat(error.phase()).isEqualTo("cleanup");
				assertThat(error.details()).containsExactly("Cleanup 'two' failed: Failing in cleanup two");
			});
		});
	}

	@ButlerService("tracked")
	static class TrackedService implements MicroService<Void> {

		static volatile String failIn;

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Override
		public void initialize(Void config, ServiceContext context) {
			call("initialize");
			for (String name : List.of("one", "two", "three")) {
				context.addCleanup(name, () -> call("cleanup " + name));
			}
			context.createChannel("in", ZmqSocketType.PULL, (channel, message) -> call("handler"));
			context.addEndpoint("in", "tcp://127.0.0.1:*");
		}

		@Override
		public void acquireResources() {
			call("acquireResources");
		}

		@Override
		public void startActivities() {
			call("startActivities");
		}

		@Override
		public void stopActivities() {
			call("stopActivities");
		}

		@Override
		public void releaseResources() {
			call("releaseResources");
		}

		private void call(String name) {
			this.calls.add(name);
			if (name.equals(failIn)) {
				throw new IllegalStateException("Failing in " + name);
			}
		}

	}

}
