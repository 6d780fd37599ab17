package dev.butler.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Follows whether the leader of a group has finished its set-up: the ready flag holds the fencing
 * token of the current leader's term. A flag left by an earlier leader does not count, so a new
 * leader's set-up is always awaited. Watches the group's keys (an etcd watch, not polling) and
 * tells its listener of each change, on jetcd's thread, and once at start.
 */
public final class ReadyWatch implements SmartLifecycle, AutoCloseable {

	private static final Log logger = LogFactory.getLog(ReadyWatch.class);

	private final Client client;

	private final ClusterKeys keys;

	private final Consumer<Boolean> listener;

	private final Object lock = new Object();

	private Watch.@Nullable Watcher watcher;

	private volatile boolean ready;

	/**
	 * Create a watch.
	 * @param client the etcd client
	 * @param keys the group's keys
	 * @param listener told {@code true} when the current leader's set-up is done, {@code false}
	 * when it no longer is (another leader, or the flag cleared)
	 */
	public ReadyWatch(Client client, ClusterKeys keys, Consumer<Boolean> listener) {
		this.client = client;
		this.keys = keys;
		this.listener = listener;
	}

	/**
	 * Start watching, and tell the listener the state at once.
	 */
	@Override
	public void start() {
		synchronized (this.lock) {
			WatchOption prefix = WatchOption.builder().isPrefix(true).build();
			this.watcher = this.client.getWatchClient()
				.watch(EtcdCalls.bytes(this.keys.groupPrefix()), prefix, Watch.listener((response) -> evaluate(),
						(error) -> logger.warn("Group '" + this.keys.group() + "': watch of the ready flag failed: "
								+ error.getMessage())));
		}
		evaluate();
	}

	/**
	 * Return whether the current leader's set-up was done when last seen.
	 * @return whether the group is ready
	 */
	public boolean isReady() {
		return this.ready;
	}

	private void evaluate() {
		boolean now;
		try {
			now = readyNow();
		}
		catch (ClusterException ex) {
			logger.warn("Group '" + this.keys.group() + "': " + ex.getMessage());
			return;
		}
		boolean changed;
		synchronized (this.lock) {
			changed = now != this.ready;
			this.ready = now;
		}
		if (changed) {
			this.listener.accept(now);
		}
	}

	/**
	 * Return whether the ready flag holds the token of the current leader: the oldest campaign key.
	 */
	boolean readyNow() {
		GetOption oldest = GetOption.builder()
			.isPrefix(true)
			.withSortField(GetOption.SortTarget.CREATE)
			.withSortOrder(GetOption.SortOrder.ASCEND)
			.withLimit(1)
			.build();
		List<KeyValue> leader = get(this.keys.election() + "/", oldest);
		List<KeyValue> flag = get(this.keys.ready(), GetOption.DEFAULT);
		return !leader.isEmpty() && !flag.isEmpty() && flag.get(0)
			.getValue()
			.toString(StandardCharsets.UTF_8)
			.equals(Long.toString(leader.get(0).getCreateRevision()));
	}

	private List<KeyValue> get(String key, GetOption option) {
		return EtcdCalls.await(this.client.getKVClient().get(EtcdCalls.bytes(key), option), "read " + key).getKvs();
	}


	@Override
	public void stop() {
		close();
	}

	@Override
	public boolean isRunning() {
		synchronized (this.lock) {
			return this.watcher != null;
		}
	}

	/**
	 * Start after the services, which may wait for the leader, and stop before them.
	 */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 1000;
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			if (this.watcher != null) {
				this.watcher.close();
				this.watcher = null;
			}
		}
	}

}
