package dev.butler.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;

import dev.butler.runtime.ButlerThreads;

/**
 * The service registry of a group: every instance publishes what it runs (its services, their
 * states and bound endpoints, its backlog) under {@code <prefix>/<group>/members/<instance>}, held
 * by a lease of its own, so that a member that is gone disappears once its lease expires. It
 * publishes every {@code interval}, when the record changed, on its own thread
 * {@code butler-cluster-members}, and after each round hands the members it read to its listener.
 */
public final class EtcdMemberRegistry implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(EtcdMemberRegistry.class);

	private static final TypeReference<Map<String, Object>> RECORD = new TypeReference<>() {
	};

	private final Client client;

	private final ClusterKeys keys;

	private final String instance;

	private final Supplier<Map<String, Object>> record;

	private final Duration ttl;

	private final Duration interval;

	private final ButlerThreads threads;

	private final Clock clock;

	private final JsonMapper json = JsonMapper.builder().build();

	private final Object monitor = new Object();

	private volatile Consumer<List<Map<String, Object>>> listener = (members) -> {
	};

	private volatile boolean running;

	private @Nullable Thread thread;

	/**
	 * Create a registry.
	 * @param client the etcd client
	 * @param keys the group's keys
	 * @param instance this instance's id
	 * @param record what this instance publishes, asked each round
	 * @param ttl the time to live of the registration's lease
	 * @param interval time between two rounds
	 * @param threads starts the registry's thread
	 * @param clock times the lease's renewals
	 */
	public EtcdMemberRegistry(Client client, ClusterKeys keys, String instance, Supplier<Map<String, Object>> record,
			Duration ttl, Duration interval, ButlerThreads threads, Clock clock) {
		this.client = client;
		this.keys = keys;
		this.instance = instance;
		this.record = record;
		this.ttl = ttl;
		this.interval = interval;
		this.threads = threads;
		this.clock = clock;
	}

	/**
	 * Hand the members read in each round to a listener, on the registry's thread.
	 * @param listener the listener
	 */
	public void setMembersListener(Consumer<List<Map<String, Object>>> listener) {
		this.listener = listener;
	}

	/**
	 * Return the key this instance's record is published under.
	 * @return the key
	 */
	public String key() {
		return this.keys.groupPrefix() + "members/" + this.instance;
	}

	/**
	 * Read the records of every member of the group.
	 * @return the records, in the order of their keys
	 * @throws ClusterException if etcd cannot be reached in time
	 */
	public List<Map<String, Object>> members() {
		List<Map<String, Object>> members = new ArrayList<>();
		for (KeyValue kv : EtcdCalls.await(this.client.getKVClient()
			.get(EtcdCalls.bytes(this.keys.groupPrefix() + "members/"), GetOption.builder().isPrefix(true).build()),
				"read the members").getKvs()) {
			try {
				members.add(this.json.readValue(kv.getValue().toString(StandardCharsets.UTF_8), RECORD));
			}
			catch (RuntimeException ex) {
				logger.warn("Group '" + this.keys.group() + "': member record " + kv.getKey() + " is not JSON: "
						+ ex.getMessage());
			}
		}
		return members;
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.running) {
				return;
			}
			this.running = true;
			this.thread = this.threads.start("butler-cluster-members", true, this::publishWhileRunning);
		}
	}

	@Override
	public void stop() {
		Thread current;
		synchronized (this.monitor) {
			this.running = false;
			this.monitor.notifyAll();
			current = this.thread;
		}
		if (current != null) {
			try {
				current.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void publishWhileRunning() {
		KeptLease lease = null;
		String published = null;
		try {
			while (this.running) {
				try {
					if (lease == null || lease.guard().mustStepDown()) {
						if (lease != null) {
							lease.close();
							lease = null;
						}
						lease = KeptLease.grant(this.client, this.ttl, this.clock);
						published = null;
					}
					lease.reopenIfBroken();
					String now = this.json.writeValueAsString(this.record.get());
					if (!now.equals(published)) {
						EtcdCalls.await(this.client.getKVClient()
							.put(EtcdCalls.bytes(key()), EtcdCalls.bytes(now),
									PutOption.builder().withLeaseId(lease.id()).build()),
								"publish this instance's record");
						published = now;
					}
					this.listener.accept(members());
				}
				catch (RuntimeException ex) {
					logger.warn("Group '" + this.keys.group() + "': registry round failed: " + ex.getMessage());
					published = null;
					if (lease != null) {
						lease.close();
						lease = null;
					}
				}
				synchronized (this.monitor) {
					if (this.running) {
						this.monitor.wait(this.interval.toMillis());
					}
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			if (lease != null) {
				lease.revoke();
			}
		}
	}

}
