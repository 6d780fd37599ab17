package dev.butler.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;

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
 * Follows the group's flags in etcd: whether the leader has finished its set-up (the ready flag
 * holds the fencing token of the current leader's term; a flag left by an earlier leader does not
 * count, so a new leader's set-up is always awaited), and whether the group consumes (the
 * {@code consume} switch: {@code false} pauses every instance). Watches the group's keys (an etcd
 * watch, not polling) and tells its listener of each change, on jetcd's thread, and once at start.
 */
public final class GroupWatch implements SmartLifecycle, AutoCloseable {

	private static final Log logger = LogFactory.getLog(GroupWatch.class);

	private final Client client;

	private final ClusterKeys keys;

	private final Listener listener;

	private final Object lock = new Object();

	private Watch.@Nullable Watcher watcher;

	private volatile Flags flags = new Flags(false, true);

	private boolean told;

	/**
	 * Create a watch.
	 * @param client the etcd client
	 * @param keys the group's keys
	 * @param listener told the flags whenever they change
	 */
	public GroupWatch(Client client, ClusterKeys keys, Listener listener) {
		this.client = client;
		this.keys = keys;
		this.listener = listener;
	}

	/**
	 * Start watching, and tell the listener the flags at once.
	 */
	@Override
	public void start() {
		synchronized (this.lock) {
			WatchOption prefix = WatchOption.builder().isPrefix(true).build();
			this.watcher = this.client.getWatchClient()
				.watch(EtcdCalls.bytes(this.keys.groupPrefix()), prefix, Watch.listener((response) -> evaluate(),
						(error) -> logger.warn("Group '" + this.keys.group() + "': watch of its flags failed: "
								+ error.getMessage())));
		}
		evaluate();
	}

	/**
	 * Return the flags as last seen.
	 * @return the flags
	 */
	public Flags flags() {
		return this.flags;
	}

	/**
	 * Set the group's consume switch, for every instance.
	 * @param consume {@code false} to pause consumption, {@code true} to resume it
	 * @throws ClusterException if etcd cannot be reached in time
	 */
	public void setConsume(boolean consume) {
		EtcdCalls.await(this.client.getKVClient()
			.put(EtcdCalls.bytes(this.keys.consume()), EtcdCalls.bytes(Boolean.toString(consume))), "set the consume switch");
	}

	private void evaluate() {
		Flags now;
		try {
			now = read();
		}
		catch (ClusterException ex) {
			logger.warn("Group '" + this.keys.group() + "': " + ex.getMessage());
			return;
		}
		boolean changed;
		synchronized (this.lock) {
			changed = !now.equals(this.flags) || !this.told;
			this.flags = now;
			this.told = true;
		}
		if (changed) {
			this.listener.changed(now);
		}
	}

	/**
	 * Read the flags: ready if the ready flag holds the token of the current leader, the oldest
	 * campaign key; consuming unless the switch says {@code false}.
	 */
	Flags read() {
		GetOption oldest = GetOption.builder()
			.isPrefix(true)
			.withSortField(GetOption.SortTarget.CREATE)
			.withSortOrder(GetOption.SortOrder.ASCEND)
			.withLimit(1)
			.build();
		List<KeyValue> leader = get(this.keys.election() + "/", oldest);
		List<KeyValue> flag = get(this.keys.ready(), GetOption.DEFAULT);
		List<KeyValue> consume = get(this.keys.consume(), GetOption.DEFAULT);
		boolean ready = !leader.isEmpty() && !flag.isEmpty() && text(flag.get(0))
			.equals(Long.toString(leader.get(0).getCreateRevision()));
		return new Flags(ready, consume.isEmpty() || !"false".equalsIgnoreCase(text(consume.get(0)).trim()));
	}

	private static String text(KeyValue kv) {
		return kv.getValue().toString(StandardCharsets.UTF_8);
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

	/**
	 * The group's flags.
	 *
	 * @param ready whether the current leader said its set-up is done
	 * @param consume whether the group consumes: {@code false} once the switch says so
	 */
	public record Flags(boolean ready, boolean consume) {

	}

	/**
	 * Told of the group's flags.
	 */
	@FunctionalInterface
	public interface Listener {

		/**
		 * The flags changed, or are told for the first time.
		 * @param flags the flags
		 */
		void changed(Flags flags);

	}

}
