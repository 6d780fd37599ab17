package dev.butler.autoconfigure.cluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;

import dev.butler.actuate.endpoint.ButlerEndpoint;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.endpoint.ButlerEndpointAutoConfiguration;
import dev.butler.autoconfigure.metrics.ButlerMetricsAutoConfiguration;
import dev.butler.autoconfigure.supervision.ButlerSupervisionAutoConfiguration;
import dev.butler.cluster.BacklogScaler.ScaleSignal;
import dev.butler.cluster.ClusterScaleEvent;
import dev.butler.cluster.ClusterView;
import dev.butler.cluster.DeadLetterAlarmEvent;
import dev.butler.queue.DirectoryQueue;
import dev.butler.queue.QueueMessage;
import dev.butler.queue.QueueReader;
import dev.butler.queue.QueueStatistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the backlog scaling signals of the cluster, with a real directory queue filled above
 * the high-water mark and drained below the low one, and a real scaling command.
 */
class ClusterScalingTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private final List<ClusterScaleEvent> events = new CopyOnWriteArrayList<>();

	private ApplicationContextRunner runner() {
		Path log = this.dir.resolve("scale.log");
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class,
					ButlerSupervisionAutoConfiguration.class, ButlerClusterAutoConfiguration.class,
					ButlerEndpointAutoConfiguration.class, MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, ButlerMetricsAutoConfiguration.class))
			.withBean("inbox", InboxService.class, InboxService::new)
			.withBean("scaleEvents", ApplicationListener.class,
					() -> (ApplicationListener<ClusterScaleEvent>) this.events::add)
			.withPropertyValues("management.endpoints.web.exposure.include=butler",
					"butler.services.inbox.dir=" + this.dir.resolve("inbox"), "butler.cluster.publish-interval=100ms",
					"butler.cluster.scaling.high-water=10", "butler.cluster.scaling.low-water=2",
					"butler.cluster.scaling.command=sh,-c,echo $BUTLER_SCALE $BUTLER_BACKLOG $BUTLER_MEMBERS >> " + log);
	}

	@Test
	void queueFilledAboveTheHighMarkShouldAskForAnInstanceAndDrainedBelowTheLowOneForOneFewer() throws Exception {
		runner().run((context) -> {
			DirectoryQueue queue = DirectoryQueue.open(this.dir.resolve("inbox"));
			List<byte[]> messages = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				messages.add(("message " + i).getBytes(StandardCharsets.UTF_8));
			}
			queue.enqueueAll(messages.subList(0, 9));
			await().atMost(WAIT).until(() -> context.getBean(ButlerCluster.class).view().backlog() == 9);
			assertThat(this.events).isEmpty();
			queue.enqueueAll(messages.subList(9, 12));
			await().atMost(WAIT).until(() -> this.events.size() == 1);
			assertThat(this.events.get(0).getSignal()).isEqualTo(ScaleSignal.UP);
			assertThat(this.events.get(0).getBacklog()).isEqualTo(12);
			try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
				for (int i = 0; i < 5; i++) {
					QueueMessage message = reader.next();
					reader.commit(message);
				}
				Thread.sleep(500);
				assertThat(this.events).as("between the marks").hasSize(1);
				for (int i = 0; i < 5; i++) {
					reader.commit(reader.next());
				}
			}
			await().atMost(WAIT).until(() -> this.events.size() == 2);
			assertThat(this.events.get(1).getSignal()).isEqualTo(ScaleSignal.DOWN);
			assertThat(this.events.get(1).getBacklog()).isEqualTo(2);
			await().atMost(WAIT).untilAsserted(() -> assertThat(this.dir.resolve("scale.log")).hasContent("up 12 1\ndown 2 1"));
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("butler.cluster.scale.signals").tag("signal", "up").functionCounter().count()).isOne();
			assertThat(meters.get("butler.cluster.scale.signals").tag("signal", "down").functionCounter().count()).isOne();
			assertThat(meters.get("butler.cluster.backlog").tag("group", "butler").gauge().value()).isEqualTo(2);
			assertThat(meters.get("butler.cluster.leader").gauge().value()).isOne();
			ClusterView view = context.getBean(ButlerEndpoint.class).components().cluster();
			assertThat(view.lastSignal()).isEqualTo(ScaleSignal.DOWN);
			assertThat(view.leader()).isTrue();
			assertThat(view.members()).singleElement().satisfies((member) -> {
				assertThat(member).containsEntry("instance", view.instance()).containsEntry("backlog", 2L);
				assertThat(member.get("services").toString()).contains("inbox");
			});
		});
	}

	@Test
	void deadLettersBanishedFasterThanAllowedShouldRaiseOneAlarm() throws Exception {
		List<DeadLetterAlarmEvent> alarms = new CopyOnWriteArrayList<>();
		runner().withPropertyValues("butler.cluster.dead-letters.max-growth=3", "butler.cluster.dead-letters.within=1m")
			.withBean("alarms", ApplicationListener.class,
					() -> (ApplicationListener<DeadLetterAlarmEvent>) alarms::add)
			.run((context) -> {
				DirectoryQueue queue = DirectoryQueue.open(this.dir.resolve("inbox"));
				List<byte[]> messages = new ArrayList<>();
				for (int i = 0; i < 5; i++) {
					messages.add(("bad " + i).getBytes(StandardCharsets.UTF_8));
				}
				queue.enqueueAll(messages);
				await().atMost(WAIT).until(() -> context.getBean(ButlerCluster.class).view().backlog() == 5);
				try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
					for (int i = 0; i < 3; i++) {
						reader.banish(reader.next(), "unreadable", null, 1);
					}
					await().atMost(WAIT).until(() -> context.getBean(ButlerCluster.class).view().deadLetters() == 3);
					Thread.sleep(300);
					assertThat(alarms).as("3 within the limit").isEmpty();
					reader.banish(reader.next(), "unreadable", null, 1);
				}
				await().atMost(WAIT).until(() -> alarms.size() == 1);
				assertThat(alarms.get(0).getReason()).startsWith("4 messages banished within ")
					.endsWith("more than 3 within 60 s");
				assertThat(context.getBean(ButlerCluster.class).view().deadLetterAlarm())
					.isEqualTo(alarms.get(0).getReason());
			});
	}

	@Test
	void lowWaterAtOrAboveHighWaterShouldFailStartUpNamingTheProperty() {
		runner().withPropertyValues("butler.cluster.scaling.low-water=10")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("butler.cluster.scaling.low-water")
				.hasMessageContaining("must be 0 or more and below high-water (10)"));
	}

	@Test
	void endpointWithoutSpringIntegrationShouldShowNoCluster() {
		runner().withClassLoader(new FilteredClassLoader("org.springframework.integration"))
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(ButlerCluster.class);
				assertThat(context.getBean(ButlerEndpoint.class).components().cluster()).isNull();
			});
	}

}
