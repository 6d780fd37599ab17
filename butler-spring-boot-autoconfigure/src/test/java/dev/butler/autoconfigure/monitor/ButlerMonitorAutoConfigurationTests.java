package dev.butler.autoconfigure.monitor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Configuration;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.supervision.ButlerSupervisionAutoConfiguration;
import dev.butler.monitor.ProcessAlarm;
import dev.butler.monitor.ProcessAlarmEvent;
import dev.butler.monitor.ProcessMonitor;
import dev.butler.monitor.ProcessSampler;
import dev.butler.monitor.ServiceProcesses;
import dev.butler.pipe.PipeTestSupport;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.supervision.Supervisor;
import dev.butler.supervision.TriggerStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@link ButlerMonitorAutoConfiguration} with real command services.
 */
class ButlerMonitorAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ButlerSupervisionAutoConfiguration.class,
				ButlerMonitorAutoConfiguration.class, ValidationAutoConfiguration.class))
		.withPropertyValues("butler.services.cmd.agent=butler.command", "butler.services.cmd.command=sh",
				"butler.services.cmd.args[0]=-c", "butler.services.cmd.args[1]=sleep 600 & wait");

	private final ApplicationContextRunner monitored = this.contextRunner.withPropertyValues(
			"butler.monitor.enabled=true", "butler.monitor.interval=100ms");

	@Test
	void monitorShouldBeOffByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ProcessMonitor.class));
	}

	@Test
	void monitorShouldBeOffWithoutOshi() {
		this.monitored.withClassLoader(new FilteredClassLoader("oshi."))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ProcessMonitor.class));
	}

	@Test
	void processTreeOfACommandServiceShouldBeSampledBesideTheJvm() {
		this.monitored.run((context) -> {
			ProcessMonitor monitor = context.getBean(ProcessMonitor.class);
			await().atMost(WAIT).untilAsserted(() -> {
				ServiceProcesses cmd = monitor.latest().service("cmd");
				assertThat(cmd).isNotNull();
				assertThat(cmd.processes()).extracting("name").containsExactly("sh", "sleep");
			});
			assertThat(monitor.latest().service(ProcessSampler.JVM).pid()).isEqualTo(ProcessHandle.current().pid());
		});
	}

	@Test
	void samplesShouldBePublishedAsJsonOnThePubSocket() {
		String address = PipeTestSupport.freeTcpAddress();
		this.monitored.withPropertyValues("butler.monitor.publish-address=" + address).run((context) -> {
			assertThat(context).hasNotFailed();
			ProcessMonitor monitor = context.getBean(ProcessMonitor.class);
			await().atMost(WAIT).untilAsserted(() -> assertThat(monitor.latest().service("cmd"))
				.satisfies((cmd) -> assertThat(cmd.processes()).hasSize(2)));
			try (ZContext zmq = new ZContext(); ZMQ.Socket sub = zmq.createSocket(SocketType.SUB)) {
				sub.subscribe("context_info".getBytes());
				sub.setReceiveTimeOut(200);
				sub.connect(address);
				long deadline = System.nanoTime() + WAIT.toNanos();
				int received = 0;
				JsonNode lastCmd = null;
				JsonNode cmd = null;
				while (cmd == null && System.nanoTime() < deadline) {
					String topic = sub.recvStr();
					if (topic == null) {
						continue;
					}
					received++;
					assertThat(topic).isEqualTo("context_info");
					assertThat(sub.hasReceiveMore()).isTrue();
					JsonNode sample = json.readTree(sub.recv());
					assertThat(sample.get("services").get("jvm").get("pid").asLong())
						.isEqualTo(ProcessHandle.current().pid());
					lastCmd = sample.get("services").get("cmd");
					if (lastCmd != null && lastCmd.get("processes").size() == 2) {
						cmd = lastCmd;
					}
				}
				assertThat(cmd).as("a published sample with the command's two processes among %d received, the last "
						+ "with cmd %s", received, lastCmd).isNotNull();
				assertThat(cmd.get("processes").get(1).get("name").asString()).isEqualTo("sleep");
				assertThat(cmd.get("rss").asLong()).isPositive();
			}
		});
	}

	@Test
	void alarmShouldPublishAnEventAndFireTheOnAlarmTriggersOfItsService() {
		this.monitored
			.withPropertyValues("butler.services.cmd.command=python3", "butler.services.cmd.args[0]=-c",
					"butler.services.cmd.args[1]=import time\nkept = b'x' * (64 << 20)\ntime.sleep(600)",
					"butler.monitor.alarms.rss-above=48MB", "butler.services.cmd.on-alarm[0].action=restart",
					"butler.services.cmd.on-alarm[0].target=cmd")
			.withUserConfiguration(AlarmListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				List<ProcessAlarm> alarms = context.getBean(AlarmListener.class).alarms;
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(alarms).anySatisfy((alarm) -> {
						assertThat(alarm.service()).isEqualTo("cmd");
						assertThat(alarm.kind()).isEqualTo(ProcessAlarm.Kind.RSS);
						assertThat(alarm.reason()).endsWith("above 48 MB");
					}));
				Supervisor supervisor = context.getBean(Supervisor.class);
				await().atMost(WAIT).untilAsserted(() -> assertThat(supervisor.triggers())
					.singleElement()
					.satisfies((TriggerStatus status) -> {
						assertThat(status.trigger().toString()).isEqualTo("on-alarm of 'cmd': restart 'cmd'");
						assertThat(status.fired()).isPositive();
						assertThat(status.lastResult()).isEqualTo("OK");
					}));
			});
	}

	@Test
	void negativeIntervalShouldFailNamingTheProperty() {
		this.monitored.withPropertyValues("butler.monitor.interval=-1s")
			.run((context) -> assertFailureNames(context, "butler.monitor.interval"));
	}

	@Test
	void unknownThresholdKeyShouldFailNamingTheProperty() {
		this.monitored.withPropertyValues("butler.monitor.alarms.rss-abuve=100MB")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("butler.monitor.alarms.rss-abuve"));
	}

	@Test
	void openFilesFractionAboveOneShouldFailNamingTheProperty() {
		this.monitored.withPropertyValues("butler.monitor.alarms.open-files-above=1.5")
			.run((context) -> assertFailureNames(context, "butler.monitor.alarms.open-files-above"));
	}

	private static void assertFailureNames(AssertableApplicationContext context, String property) {
		assertThat(context).getFailure()
			.rootCause()
			.isInstanceOf(ServiceConfigurationException.class)
			.hasMessageContaining("'" + property + "'")
			.extracting("property")
			.isEqualTo(property);
	}

	@Configuration(proxyBeanMethods = false)
	static class AlarmListener implements ApplicationListener<ProcessAlarmEvent> {

		final List<ProcessAlarm> alarms = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(ProcessAlarmEvent event) {
			this.alarms.add(event.alarm());
		}

	}

}
