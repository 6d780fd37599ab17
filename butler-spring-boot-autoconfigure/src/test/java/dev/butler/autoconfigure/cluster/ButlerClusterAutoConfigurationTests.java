package dev.butler.autoconfigure.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.integration.leader.event.AbstractLeaderEvent;
import org.springframework.integration.leader.event.OnGrantedEvent;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.supervision.ButlerSupervisionAutoConfiguration;
import dev.butler.cluster.EtcdCluster;
import dev.butler.cluster.EtcdLeadership;
import dev.butler.cluster.LeaderSetup;
import dev.butler.control.ManagedMicroService;
import dev.butler.protocol.State;
import dev.butler.service.ServiceConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ButlerClusterAutoConfiguration}: the leader's set-up, leader-only services and
 * services that wait for the leader, on one instance without etcd and on three with a real etcd.
 */
class ButlerClusterAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private final List<String> log = new CopyOnWriteArrayList<>();

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class,
					ButlerSupervisionAutoConfiguration.class, ButlerClusterAutoConfiguration.class))
			.withBean("audit", IdleService.class, IdleService::new)
			.withBean("worker", IdleService.class, IdleService::new)
			.withBean(LeaderSetup.class, () -> (leadership) -> this.log.add("set-up " + leadership.getRole()))
			.withBean("leaderEvents", ApplicationListener.class,
					() -> (ApplicationListener<AbstractLeaderEvent>) (event) -> this.log
						.add(event.getClass().getSimpleName()))
			.withPropertyValues("butler.services.audit.leader-only=true",
					"butler.services.worker.wait-for-leader-ready=true", "spring.application.name=orders");
	}

	@Test
	void instanceWithoutEtcdShouldLeadItselfRunItsSetUpThenItsLeaderOnlyAndWaitingServices() {
		runner().run((context) -> {
			ButlerLeadership leadership = context.getBean(ButlerLeadership.class);
			await().atMost(WAIT).until(() -> service(context, "worker").state() == State.RUNNING);
			assertThat(leadership.isLeader()).isTrue();
			assertThat(leadership.isReady()).isTrue();
			assertThat(leadership.getRole()).isEqualTo("orders");
			assertThat(service(context, "audit").state()).isEqualTo(State.RUNNING);
			assertThat(this.log).containsExactly("set-up orders", OnGrantedEvent.class.getSimpleName());
		});
	}

	@Test
	void consumeSwitchShouldStopAndStartTheServicesThatWaitForTheLeader() {
		runner().run((context) -> {
			ButlerCluster cluster = context.getBean(ButlerCluster.class);
			ManagedMicroService worker = service(context, "worker");
			await().atMost(WAIT).until(() -> worker.state() == State.RUNNING);
			cluster.setConsume(false);
			await().atMost(WAIT).until(() -> !worker.isRunning());
			assertThat(cluster.view().consuming()).isFalse();
			assertThat(service(context, "audit").isRunning()).as("a leader-only service").isTrue();
			cluster.setConsume(true);
			await().atMost(WAIT).until(() -> worker.state() == State.RUNNING);
			assertThat(cluster.view().consuming()).isTrue();
		});
	}

	@Test
	void serviceShouldRunWithItsAsLeaderOptionsWhileTheInstanceLeads() {
		runner().withBean("tuned", TunedService.class, TunedService::new)
			.withPropertyValues("butler.services.tuned.as-leader.batch-size=10")
			.run((context) -> {
				TunedService tuned = context.getBean(TunedService.class);
				await().atMost(WAIT).until(() -> tuned.batchSizes.contains(10));
				assertThat(tuned.batchSizes).containsExactly(50, 10);
				assertThat(service(context, "tuned").state()).isEqualTo(State.RUNNING);
				context.getBean(org.springframework.integration.support.leader.LockRegistryLeaderInitiator.class)
					.getContext()
					.yield();
				await().atMost(WAIT).until(() -> tuned.batchSizes.size() >= 4);
				assertThat(tuned.batchSizes).startsWith(50, 10, 50, 10);
			});
	}

	@Test
	void leaderOnlyServiceShouldStopWhenTheInstanceYields() {
		runner().run((context) -> {
			ButlerLeadership leadership = context.getBean(ButlerLeadership.class);
			ManagedMicroService audit = service(context, "audit");
			await().atMost(WAIT).until(() -> audit.state() == State.RUNNING);
			java.time.Instant firstRun = audit.startedAt();
			context.getBean(org.springframework.integration.support.leader.LockRegistryLeaderInitiator.class)
				.getContext()
				.yield();
			await().atMost(WAIT).until(() -> this.log.contains("OnRevokedEvent"));
			await().atMost(WAIT).until(() -> leadership.isLeader() && audit.state() == State.RUNNING
					&& audit.startedAt().isAfter(firstRun));
			assertThat(this.log).containsSubsequence("set-up orders", "OnGrantedEvent", "OnRevokedEvent", "set-up orders",
					"OnGrantedEvent");
		});
	}

	@Test
	void threeInstancesOnEtcdShouldRunTheLeaderOnlyServiceOnOneAndTheWaitingOnesOnAllOnceTheLeaderIsReady() {
		try (EtcdCluster etcd = EtcdCluster.start(this.dir, 1)) {
			ApplicationContextRunner runner = runner().withPropertyValues(
					"butler.cluster.etcd.endpoints=" + String.join(",", etcd.endpoints()),
					"butler.cluster.etcd.prefix=/cluster-test", "butler.cluster.lease-ttl=3s",
					"butler.cluster.publish-interval=200ms");
			List<AssertableApplicationContext> instances = new ArrayList<>();
			runner.withPropertyValues("butler.cluster.instance-id=a").run((a) -> {
				instances.add(a);
				runner.withPropertyValues("butler.cluster.instance-id=b").run((b) -> {
					instances.add(b);
					runner.withPropertyValues("butler.cluster.instance-id=c").run((c) -> {
						instances.add(c);
						await().atMost(WAIT).until(() -> running(instances, "audit").size() == 1
								&& running(instances, "worker").size() == 3);
						assertThat(this.log.stream().filter((line) -> line.startsWith("set-up"))).hasSize(1);
						await().atMost(WAIT).until(() -> instances.stream()
							.allMatch((instance) -> members(instance).equals(List.of("a", "b", "c"))));
						instances.get(2).getBean(ButlerCluster.class).setConsume(false);
						await().atMost(WAIT).until(() -> running(instances, "worker").isEmpty());
						instances.get(0).getBean(ButlerCluster.class).setConsume(true);
						await().atMost(WAIT).until(() -> running(instances, "worker").size() == 3);
						AssertableApplicationContext leader = running(instances, "audit").get(0);
						assertThat(leader.getBean(ButlerLeadership.class).isLeader()).isTrue();
						long firstTerm = leader.getBean(dev.butler.cluster.EtcdLeaderInitiator.class)
							.leadership()
							.fencingToken();
						leader.getSourceApplicationContext().close();
						List<AssertableApplicationContext> others = instances.stream()
							.filter((instance) -> instance.getSourceApplicationContext().isActive())
							.toList();
						assertThat(others).hasSize(2);
						await().atMost(WAIT).until(() -> running(others, "audit").size() == 1);
						EtcdLeadership next = running(others, "audit").get(0)
							.getBean(dev.butler.cluster.EtcdLeaderInitiator.class)
							.leadership();
						assertThat(next.fencingToken()).isGreaterThan(firstTerm);
						assertThat(this.log.stream().filter((line) -> line.startsWith("set-up"))).hasSize(2);
						await().atMost(WAIT).until(() -> others.stream()
							.allMatch((other) -> other.getBean(ButlerLeadership.class).isReady()));
						await().atMost(WAIT).until(() -> others.stream()
							.allMatch((other) -> members(other).size() == 2));
					});
				});
			});
		}
	}

	@Test
	void pipeShouldFindItsServerByServiceNameThroughTheMembersOfTheGroup() throws Exception {
		Path input = this.dir.resolve("input.txt");
		java.nio.file.Files.writeString(input, "one\ntwo\n");
		Path output = this.dir.resolve("output.txt");
		String address = "tcp://127.0.0.1:" + dev.butler.pipe.PipeTestSupport.freePort();
		try (EtcdCluster etcd = EtcdCluster.start(this.dir.resolve("etcd"), 1)) {
			ApplicationContextRunner runner = runner().withPropertyValues(
					"butler.cluster.etcd.endpoints=" + String.join(",", etcd.endpoints()),
					"butler.cluster.etcd.prefix=/registry-test", "butler.cluster.publish-interval=200ms");
			runner.withPropertyValues("butler.cluster.instance-id=a", "butler.services.reader.agent=saturnin.text.reader",
					"butler.services.reader.filename=" + input, "butler.services.reader.pipe=lines",
					"butler.services.reader.pipe-address=" + address, "butler.services.reader.pipe-mode=bind",
					"butler.services.reader.pipe-format=text/plain;charset=utf-8")
				.run((a) -> runner
					.withPropertyValues("butler.cluster.instance-id=b", "butler.services.writer.agent=saturnin.text.writer",
							"butler.services.writer.filename=" + output, "butler.services.writer.file-mode=write",
							"butler.services.writer.pipe=lines", "butler.services.writer.pipe-address=butler://reader/pipe",
							"butler.services.writer.pipe-mode=connect",
							"butler.services.writer.pipe-format=text/plain;charset=utf-8",
							"butler.services.writer.auto-startup=false")
					.run((b) -> {
						ButlerCluster cluster = b.getBean(ButlerCluster.class);
						await().atMost(WAIT).until(() -> members(b).contains("a"));
						assertThat(cluster.resolve("butler://reader/pipe")).isEqualTo(address);
						service(b, "writer").start();
						await().atMost(WAIT).untilAsserted(() -> assertThat(output).hasContent("one\ntwo"));
					}));
		}
	}

	@Test
	void serviceAddressThatNamesNoBoundEndpointShouldBeRefusedSayingWhatIsKnown() {
		runner().run((context) -> {
			ButlerCluster cluster = context.getBean(ButlerCluster.class);
			await().atMost(WAIT).until(() -> !cluster.view().members().isEmpty());
			assertThat(cluster.resolve("tcp://127.0.0.1:5000")).isEqualTo("tcp://127.0.0.1:5000");
			assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> cluster.resolve("butler://reader/pipe")))
				.hasMessageStartingWith("No member of group 'orders' has endpoint 'pipe' of service 'reader' bound");
			assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> cluster.resolve("butler://reader")))
				.hasMessageContaining("expected butler://<service>/<endpoint>");
		});
	}

	@Test
	void etcdEndpointsWithoutEtcdsClientShouldFailStartUpNamingTheProperty() {
		runner().withClassLoader(new FilteredClassLoader("io.etcd.jetcd"))
			.withPropertyValues("butler.cluster.etcd.endpoints=http://127.0.0.1:2379")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ServiceConfigurationException.class)
				.hasMessageContaining("butler.cluster.etcd.endpoints")
				.hasMessageContaining("add the dependency io.etcd:jetcd-core"));
	}

	@Test
	void leaseTtlOfPartSecondsShouldFailStartUpNamingTheProperty() {
		runner().withPropertyValues("butler.cluster.lease-ttl=1500ms")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("butler.cluster.lease-ttl")
				.hasMessageContaining("must be whole seconds, 2 s or more"));
	}

	private static List<Object> members(org.springframework.context.ApplicationContext instance) {
		return instance.getBean(ButlerCluster.class).view().members().stream().map((member) -> member.get("instance"))
			.toList();
	}

	private static ManagedMicroService service(AssertableApplicationContext context, String id) {
		return context.getBean("butlerService." + id, ManagedMicroService.class);
	}

	private static List<AssertableApplicationContext> running(List<AssertableApplicationContext> instances,
			String id) {
		Predicate<AssertableApplicationContext> runs = (instance) -> instance.getSourceApplicationContext().isActive()
				&& service(instance, id).state() == State.RUNNING;
		return instances.stream().filter(runs).toList();
	}

}
