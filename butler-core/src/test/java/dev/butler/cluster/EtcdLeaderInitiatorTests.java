package dev.butler.cluster;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;

import dev.butler.runtime.ButlerThreads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link EtcdLeaderInitiator} and {@link EtcdLeadership} against real etcd servers:
 * one leader among instances, fast hand-over on stop, fenced writes, the ready flag, and
 * stepping down when etcd goes away.
 */
class EtcdLeaderInitiatorTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final ClusterKeys KEYS = new ClusterKeys("/butler-test", "orders");

	@TempDir
	Path dir;

	private final ButlerThreads threads = new ButlerThreads();

	private final List<AutoCloseable> closing = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.closing.size() - 1; i >= 0; i--) {
			this.closing.get(i).close();
		}
		this.threads.close();
	}

	@Test
	void exactlyOneOfThreeInstancesShouldLeadAndTheNextOneWithinMillisecondsOfItsStop() throws Exception {
		EtcdCluster etcd = etcd(1);
		List<Instance> instances = List.of(instance(etcd, "a"), instance(etcd, "b"), instance(etcd, "c"));
		instances.forEach((instance) -> instance.initiator.start());
		await().atMost(WAIT).until(() -> leaders(instances).size() == 1);
		Instance first = leaders(instances).get(0);
		for (int i = 0; i < 10; i++) {
			Thread.sleep(50);
			assertThat(leaders(instances)).containsExactly(first);
		}
		long stoppedAt = System.nanoTime();
		first.initiator.stop();
		await().atMost(WAIT).until(() -> leaders(instances).size() == 1);
		long handOverMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
		assertThat(leaders(instances)).doesNotContain(first);
		assertThat(first.revoked).hasValue(1);
		assertThat(handOverMillis).as("hand-over after a graceful stop, in ms").isLessThan(2000);
		Instance second = leaders(instances).get(0);
		assertThat(second.initiator.leadership().fencingToken())
			.isGreaterThan(first.terms.get(0).fencingToken());
	}

	@Test
	void writeOfADeposedLeaderShouldBeRefused() throws Exception {
		EtcdCluster etcd = etcd(1);
		Instance a = instance(etcd, "a");
		a.initiator.start();
		await().atMost(WAIT).until(() -> a.initiator.leadership() != null);
		EtcdLeadership deposed = a.initiator.leadership();
		assertThat(deposed.put("/butler-test/orders/counter", "1")).isTrue();
		Instance b = instance(etcd, "b");
		b.initiator.start();
		Client admin = client(etcd);
		admin.getLeaseClient().revoke(deposed.leaderKey().getLease()).get();
		await().atMost(WAIT).until(() -> b.initiator.leadership() != null);
		assertThat(deposed.put("/butler-test/orders/counter", "2")).as("the deposed leader's write").isFalse();
		await().atMost(WAIT).until(() -> !deposed.isLeader());
		assertThat(b.initiator.leadership().put("/butler-test/orders/counter", "3")).isTrue();
		assertThat(admin.getKVClient().get(EtcdCalls.bytes("/butler-test/orders/counter")).get().getKvs().get(0)
			.getValue().toString()).isEqualTo("3");
		await().atMost(WAIT).until(() -> a.revoked.get() == 1);
	}

	@Test
	void leadersWritingThroughTheirFencesShouldNeverOverlapAcrossChangesOfLeader() throws Exception {
		EtcdCluster etcd = etcd(1);
		List<Instance> instances = List.of(instance(etcd, "a"), instance(etcd, "b"), instance(etcd, "c"));
		instances.forEach((instance) -> instance.initiator.start());
		AtomicInteger refused = new AtomicInteger();
		List<Thread> writers = new ArrayList<>();
		AtomicBoolean writing = new AtomicBoolean(true);
		for (Instance instance : instances) {
			Thread writer = new Thread(() -> {
				while (writing.get()) {
					for (EtcdLeadership term : instance.terms) {
						if (!term.put("/butler-test/orders/fence", Long.toString(term.fencingToken()))) {
							refused.incrementAndGet();
						}
					}
					Thread.onSpinWait();
				}
			});
			writer.start();
			writers.add(writer);
		}
		for (int round = 0; round < 6; round++) {
			await().atMost(WAIT).until(() -> leaders(instances).size() == 1);
			Instance leader = leaders(instances).get(0);
			Thread.sleep(100);
			leader.initiator.stop();
			leader.initiator.start();
		}
		writing.set(false);
		for (Thread writer : writers) {
			writer.join();
		}
		List<Long> written = new CopyOnWriteArrayList<>();
		Client reader = client(etcd);
		Watch.Watcher history = reader.getWatchClient()
			.watch(EtcdCalls.bytes("/butler-test/orders/fence"),
					WatchOption.builder().withRevision(1).build(),
					(response) -> response.getEvents()
						.forEach((event) -> written.add(Long.parseLong(event.getKeyValue().getValue().toString()))));
		this.closing.add(history::close);
		await().atMost(WAIT).until(() -> written.size() > 10);
		Thread.sleep(500);
		assertThat(written).as("fencing tokens in the order etcd took the writes").isSorted();
		assertThat(written.stream().distinct().count()).as("terms that wrote").isGreaterThanOrEqualTo(6);
		assertThat(refused.get()).as("writes of deposed terms, refused").isPositive();
	}

	@Test
	void followersShouldSeeTheReadyFlagOfTheCurrentLeaderOnlyAndTheConsumeSwitch() throws Exception {
		EtcdCluster etcd = etcd(1);
		Instance a = instance(etcd, "a");
		Instance b = instance(etcd, "b");
		List<GroupWatch.Flags> seen = new CopyOnWriteArrayList<>();
		GroupWatch watch = new GroupWatch(client(etcd), KEYS, seen::add);
		this.closing.add(watch);
		watch.start();
		a.initiator.start();
		await().atMost(WAIT).until(() -> a.initiator.leadership() != null);
		Thread.sleep(200);
		assertThat(watch.flags().ready()).as("ready before the set-up is done").isFalse();
		assertThat(a.initiator.leadership().markReady()).isTrue();
		await().atMost(WAIT).until(() -> watch.flags().ready());
		b.initiator.start();
		a.initiator.stop();
		await().atMost(WAIT).until(() -> b.initiator.leadership() != null);
		await().atMost(WAIT).until(() -> !watch.flags().ready());
		assertThat(b.initiator.leadership().clearReady()).isTrue();
		assertThat(b.initiator.leadership().markReady()).isTrue();
		await().atMost(WAIT).until(() -> watch.flags().ready());
		watch.setConsume(false);
		await().atMost(WAIT).until(() -> !watch.flags().consume());
		assertThat(seen).containsExactly(new GroupWatch.Flags(false, true), new GroupWatch.Flags(true, true),
				new GroupWatch.Flags(false, true), new GroupWatch.Flags(true, true), new GroupWatch.Flags(true, false));
	}

	@Test
	void leaderCutOffFromEtcdShouldStepDownBeforeItsLeaseExpiresAndLeadAgainWhenEtcdIsBack() throws Exception {
		EtcdCluster etcd = etcd(1);
		Instance a = instance(etcd, "a");
		a.initiator.start();
		await().atMost(WAIT).until(() -> a.initiator.leadership() != null);
		long killedAt = System.nanoTime();
		etcd.kill(0);
		await().atMost(WAIT).until(() -> a.revoked.get() == 1);
		long stepDownMillis = (System.nanoTime() - killedAt) / 1_000_000;
		assertThat(stepDownMillis).as("step-down after etcd went away, in ms (lease of 3 s)").isLessThan(3000);
		etcd.restart(0);
		await().atMost(Duration.ofSeconds(30)).until(() -> a.initiator.leadership() != null);
		assertThat(a.granted).hasValue(2);
	}

	@Test
	void leadershipShouldOutliveTheLossOfOneMemberOfAThreeMemberCluster() throws Exception {
		EtcdCluster etcd = etcd(3);
		Instance a = instance(etcd, "a", Duration.ofSeconds(9));
		Instance b = instance(etcd, "b", Duration.ofSeconds(9));
		a.initiator.start();
		await().atMost(WAIT).until(() -> a.initiator.leadership() != null);
		b.initiator.start();
		etcd.kill(0);
		Thread.sleep(7000);
		assertThat(a.initiator.leadership()).isNotNull();
		assertThat(b.initiator.leadership()).isNull();
		assertThat(a.revoked).hasValue(0);
		a.initiator.stop();
		await().atMost(WAIT).until(() -> b.initiator.leadership() != null);
	}

	private EtcdCluster etcd(int size) {
		EtcdCluster etcd = EtcdCluster.start(this.dir, size);
		this.closing.add(etcd);
		return etcd;
	}

	private Client client(EtcdCluster etcd) {
		Client client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
		this.closing.add(client);
		return client;
	}

	private Instance instance(EtcdCluster etcd, String name) {
		return instance(etcd, name, Duration.ofSeconds(3));
	}

	private Instance instance(EtcdCluster etcd, String name, Duration ttl) {
		Instance instance = new Instance(name, client(etcd), this.threads, ttl);
		this.closing.add(instance.initiator::stop);
		return instance;
	}

	private static List<Instance> leaders(List<Instance> instances) {
		return instances.stream().filter((instance) -> instance.initiator.leadership() != null).toList();
	}

	private static final class Instance implements Candidate {

		private final String name;

		private final EtcdLeaderInitiator initiator;

		private final AtomicInteger granted = new AtomicInteger();

		private final AtomicInteger revoked = new AtomicInteger();

		private final List<EtcdLeadership> terms = new CopyOnWriteArrayList<>();

		Instance(String name, Client client, ButlerThreads threads, Duration ttl) {
			this.name = name;
			this.initiator = new EtcdLeaderInitiator(client, KEYS, this, "{\"instance\": \"" + name + "\"}", ttl,
					Duration.ofMillis(200), threads, Clock.systemUTC());
		}

		@Override
		public String getRole() {
			return KEYS.group();
		}

		@Override
		public String getId() {
			return this.name;
		}

		@Override
		public void onGranted(Context context) {
			this.terms.add((EtcdLeadership) context);
			this.granted.incrementAndGet();
		}

		@Override
		public void onRevoked(Context context) {
			this.revoked.incrementAndGet();
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
