package dev.butler.autoconfigure.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;

import dev.butler.cluster.BacklogScaler;
import dev.butler.cluster.BacklogScaler.ScaleSignal;
import dev.butler.cluster.ClusterScaleEvent;
import dev.butler.cluster.ClusterView;
import dev.butler.cluster.DeadLetterAlarmEvent;
import dev.butler.cluster.DeadLetterWatch;
import dev.butler.cluster.EtcdLeadership;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ManagedMicroService;
import dev.butler.runtime.AddressResolver;
import dev.butler.runtime.ButlerThreads;
import dev.butler.service.ResourceSnapshot;

/**
 * This instance in its group: the record it publishes (its services, their states and endpoints,
 * its backlog), the members it last read, and, on the leader, the backlog of the whole group
 * against the high and low water marks of {@code butler.cluster.scaling}: a signal is published as
 * a {@link ClusterScaleEvent}, written to {@code <prefix>/<group>/scale} with etcd, and handed to
 * the scaling command if one is set.
 */
public final class ButlerCluster {

	private static final Log logger = LogFactory.getLog(ButlerCluster.class);

	/** The gauges of resources that count as backlog: a queue's waiting messages, a pool's queued tasks. */
	private static final List<String> BACKLOG_GAUGES = List.of("backlog", "queued");

	private final ButlerLeadership leadership;

	private final ButlerComponents components;

	private final @Nullable BacklogScaler scaler;

	private final @Nullable DeadLetterWatch deadLetterWatch;

	private final List<String> command;

	private final Supplier<@Nullable EtcdLeadership> etcdTerm;

	private final @Nullable String scaleKey;

	private final Consumer<Boolean> consumeSwitch;

	private final ApplicationEventPublisher events;

	private final ButlerThreads threads;

	private final Clock clock;

	private final JsonMapper json = JsonMapper.builder().build();

	private volatile List<Map<String, Object>> members = List.of();

	private volatile long backlog;

	private volatile long deadLetters;

	private volatile @Nullable String deadLetterAlarm;

	private volatile @Nullable ScaleSignal lastSignal;

	private final AtomicLong ups = new AtomicLong();

	private final AtomicLong downs = new AtomicLong();

	/**
	 * Create this instance's view of its group.
	 * @param leadership whether it leads
	 * @param components its services
	 * @param scaler the water marks, {@code null} for no scaling signals
	 * @param deadLetterWatch the limit of banished messages, {@code null} for no alarm
	 * @param command the scaling command, empty for none
	 * @param etcdTerm the current term of leadership on etcd, {@code null} without etcd or when not
	 * leader
	 * @param scaleKey the etcd key that signals are written to, {@code null} without etcd
	 * @param consumeSwitch sets the group's consume switch
	 * @param events publishes the signals
	 * @param threads runs the scaling command
	 * @param clock stamps the signals
	 */
	public ButlerCluster(ButlerLeadership leadership, ButlerComponents components, @Nullable BacklogScaler scaler,
			@Nullable DeadLetterWatch deadLetterWatch, List<String> command, Supplier<@Nullable EtcdLeadership> etcdTerm, @Nullable String scaleKey,
			Consumer<Boolean> consumeSwitch, ApplicationEventPublisher events, ButlerThreads threads, Clock clock) {
		this.leadership = leadership;
		this.components = components;
		this.scaler = scaler;
		this.deadLetterWatch = deadLetterWatch;
		this.command = List.copyOf(command);
		this.etcdTerm = etcdTerm;
		this.scaleKey = scaleKey;
		this.consumeSwitch = consumeSwitch;
		this.events = events;
		this.threads = threads;
		this.clock = clock;
	}

	/**
	 * Return the record this instance publishes: its id, pid, whether it leads, its backlog and its
	 * services with their state, agent and bound endpoints.
	 * @return the record
	 */
	public Map<String, Object> record() {
		Map<String, Object> record = new LinkedHashMap<>();
		record.put("instance", this.leadership.getId());
		record.put("pid", ProcessHandle.current().pid());
		record.put("leader", this.leadership.isLeader());
		long total = 0;
		long banished = 0;
		Map<String, Object> services = new LinkedHashMap<>();
		for (ButlerComponent component : this.components) {
			Map<String, Object> service = new LinkedHashMap<>();
			service.put("state", component.state().name());
			if (component.agent() != null) {
				service.put("agent", component.agent().name());
			}
			service.put("endpoints", component.endpoints());
			if (component instanceof ManagedMicroService managed) {
				for (ResourceSnapshot snapshot : managed.resources()) {
					total += backlogOf(snapshot);
					banished += banishedBy(snapshot);
				}
			}
			services.put(component.id(), service);
		}
		record.put("backlog", total);
		record.put("deadLetters", banished);
		record.put("services", services);
		return record;
	}

	private static long backlogOf(ResourceSnapshot snapshot) {
		long backlog = 0;
		for (ResourceSnapshot.Level level : snapshot.gauges()) {
			if (BACKLOG_GAUGES.contains(level.name()) && !Double.isNaN(level.value()) && level.value() > 0) {
				backlog += (long) level.value();
			}
		}
		return backlog;
	}

	private static long banishedBy(ResourceSnapshot snapshot) {
		long banished = 0;
		for (ResourceSnapshot.Count count : snapshot.counters()) {
			if (count.name().equals("messages") && "banished".equals(count.tags().get("outcome"))) {
				banished += count.value();
			}
		}
		return banished;
	}

	/**
	 * Take note of the members of the group as read, and on the leader sum their backlog against
	 * the water marks.
	 * @param members the record of every member
	 */
	public void membersRead(List<Map<String, Object>> members) {
		this.members = List.copyOf(members);
		long total = sum(members, "backlog");
		long banished = sum(members, "deadLetters");
		this.backlog = total;
		this.deadLetters = banished;
		if (!this.leadership.isLeader()) {
			return;
		}
		BacklogScaler current = this.scaler;
		ScaleSignal signal = (current != null) ? current.decide(total) : null;
		if (signal != null) {
			signal(signal, total, members.size());
		}
		DeadLetterWatch watch = this.deadLetterWatch;
		if (watch != null) {
			String alarm = watch.check(this.clock.instant(), banished);
			if (alarm != null) {
				this.deadLetterAlarm = alarm;
				logger.warn("Group '" + this.leadership.getRole() + "': dead letters grow fast: " + alarm);
				this.events.publishEvent(new DeadLetterAlarmEvent(this, this.leadership.getRole(), alarm));
			}
		}
	}

	private static long sum(List<Map<String, Object>> members, String field) {
		long total = 0;
		for (Map<String, Object> member : members) {
			if (member.get(field) instanceof Number number) {
				total += number.longValue();
			}
		}
		return total;
	}

	private void signal(ScaleSignal signal, long total, int size) {
		this.lastSignal = signal;
		((signal == ScaleSignal.UP) ? this.ups : this.downs).incrementAndGet();
		ClusterScaleEvent event = new ClusterScaleEvent(this, this.leadership.getRole(), signal, total, size);
		logger.warn("Group '" + this.leadership.getRole() + "': backlog " + total + " over " + size
				+ " instances asks to scale " + signal.name().toLowerCase());
		this.events.publishEvent(event);
		EtcdLeadership term = this.etcdTerm.get();
		if (term != null && this.scaleKey != null) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("signal", signal.name().toLowerCase());
			entry.put("backlog", total);
			entry.put("members", size);
			entry.put("at", this.clock.instant().toString());
			entry.put("leader", this.leadership.getId());
			try {
				term.put(this.scaleKey, this.json.writeValueAsString(entry));
			}
			catch (RuntimeException ex) {
				logger.warn("Group '" + this.leadership.getRole() + "': could not write the scaling signal: "
						+ ex.getMessage());
			}
		}
		if (!this.command.isEmpty()) {
			this.threads.start("butler-cluster-scale", true, () -> runCommand(signal, total, size));
		}
	}

	private void runCommand(ScaleSignal signal, long total, int size) {
		ProcessBuilder builder = new ProcessBuilder(this.command).redirectErrorStream(true);
		builder.environment().put("BUTLER_SCALE", signal.name().toLowerCase());
		builder.environment().put("BUTLER_BACKLOG", Long.toString(total));
		builder.environment().put("BUTLER_MEMBERS", Integer.toString(size));
		builder.environment().put("BUTLER_GROUP", this.leadership.getRole());
		try {
			Process process = builder.start();
			process.getOutputStream().close();
			try (BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = output.readLine()) != null) {
					logger.info("Scaling command: " + line);
				}
			}
			int exit = process.waitFor();
			if (exit != 0) {
				logger.warn("Group '" + this.leadership.getRole() + "': scaling command " + this.command
						+ " exited with " + exit);
			}
		}
		catch (IOException ex) {
			logger.warn("Group '" + this.leadership.getRole() + "': scaling command " + this.command
					+ " could not run: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Pause or resume consumption in every instance of the group: the services that wait for the
	 * leader stop, or start again. With etcd this sets the group's {@code consume} switch, which
	 * {@code etcdctl put <prefix>/<group>/consume false} sets as well.
	 * @param consume whether the group consumes
	 */
	public void setConsume(boolean consume) {
		this.consumeSwitch.accept(consume);
	}

	/**
	 * Resolve {@code butler://<service>/<endpoint>} to the address that a member of the group, this
	 * one first, published for that endpoint of that service, as last read; any other address is
	 * returned as it is.
	 * @param address the address
	 * @return the address to connect to
	 * @throws IllegalArgumentException if no member has the service with that endpoint bound
	 */
	public String resolve(String address) {
		if (!AddressResolver.isServiceAddress(address)) {
			return address;
		}
		String path = address.substring(AddressResolver.SCHEME.length());
		int slash = path.indexOf('/');
		if (slash <= 0 || slash == path.length() - 1) {
			throw new IllegalArgumentException("Address " + address
					+ " does not name a service's endpoint: expected butler://<service>/<endpoint>, e.g. "
					+ "butler://text-reader/pipe");
		}
		String service = path.substring(0, slash);
		String endpoint = path.substring(slash + 1);
		List<Map<String, Object>> candidates = new ArrayList<>();
		List<Map<String, Object>> read = (this.members.isEmpty()) ? List.of(record()) : this.members;
		for (Map<String, Object> member : read) {
			if (this.leadership.getId().equals(member.get("instance"))) {
				candidates.add(0, member);
			}
			else {
				candidates.add(member);
			}
		}
		for (Map<String, Object> member : candidates) {
			if (member.get("services") instanceof Map<?, ?> services
					&& services.get(service) instanceof Map<?, ?> entry
					&& entry.get("endpoints") instanceof Map<?, ?> endpoints
					&& endpoints.get(endpoint) instanceof List<?> addresses && !addresses.isEmpty()) {
				return String.valueOf(addresses.get(0));
			}
		}
		throw new IllegalArgumentException("No member of group '" + this.leadership.getRole() + "' has endpoint '"
				+ endpoint + "' of service '" + service + "' bound, as last read; members: "
				+ candidates.stream().map((member) -> String.valueOf(member.get("instance"))).toList());
	}

	/**
	 * Return what this instance knows of its group.
	 * @return the view
	 */
	public ClusterView view() {
		return new ClusterView(this.leadership.getRole(), this.leadership.getId(), this.leadership.isLeader(),
				this.leadership.isReady(), this.leadership.isConsuming(), this.members, this.backlog, this.lastSignal,
				signalCounts(), this.deadLetters, this.deadLetterAlarm);
	}

	private Map<ScaleSignal, Long> signalCounts() {
		Map<ScaleSignal, Long> counts = new EnumMap<>(ScaleSignal.class);
		counts.put(ScaleSignal.UP, this.ups.get());
		counts.put(ScaleSignal.DOWN, this.downs.get());
		return counts;
	}

}
