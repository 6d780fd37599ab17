package dev.butler.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DataSizeUnit;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

import dev.butler.config.UnknownPropertyAction;
import dev.butler.control.ComponentOptions;
import dev.butler.runtime.IpcPolicy;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.supervision.Backoff;
import dev.butler.supervision.RestartIntensity;
import dev.butler.supervision.RestartPolicy;
import dev.butler.supervision.RestartStrategy;
import dev.butler.supervision.RestartType;
import dev.butler.supervision.Trigger;
import dev.butler.supervision.TriggerAction;
import dev.butler.supervision.TriggerEvent;

/**
 * Configuration properties of the Butler runtime. A service's own, typed options live beside these
 * under {@code butler.services.<id>.*}.
 *
 * @param enabled Whether to run Butler services at all
 * @param control Control of the services of this application
 * @param zmq The shared ZeroMQ context
 * @param scheduler The scheduler that times scheduled actions of services
 * @param services Per-service runtime options, by service id
 * @param components Foreign components to drive over ICCP, by component id
 * @param shutdownWhenFinished Whether the application exits once every service that starts with it
 * has finished, with exit code 0 if all ended with outcome OK and 1 otherwise, like
 * saturnin-service; for running standard services as pipeline stages from the command line
 * @param spoolDir Directory under which relative directory-queue names (queue-in-dir,
 * queue-out-dir) resolve, like Mentat's spool; relative to the working directory unless
 * absolute
 * @param onUnknownProperty What to do with a property under butler.services.<id> that the service
 * does not read, or whose id names no service: fail start-up, or log a warning and go on
 * @param supervision Supervision of the services: what is restarted, how often and how soon, for
 * every service unless its own butler.services.<id> keys say otherwise
 * @param startup How the services and foreign components start with the application
 */
@ConfigurationProperties("butler")
public record ButlerProperties(@DefaultValue("true") boolean enabled, @DefaultValue Control control,
		@DefaultValue Zmq zmq, @DefaultValue Scheduler scheduler, Map<String, Service> services,
		Map<String, Component> components, @DefaultValue("false") boolean shutdownWhenFinished,
		@DefaultValue("spool") Path spoolDir, @DefaultValue("fail") UnknownPropertyAction onUnknownProperty,
		@DefaultValue Supervision supervision, @DefaultValue Startup startup) {

	public ButlerProperties {
		services = (services != null) ? Map.copyOf(services) : Map.of();
		components = (components != null) ? Map.copyOf(components) : Map.of();
	}

	/**
	 * Return these properties with the runtime options of one service replaced, e.g. those of a
	 * service added at run time, bound from property sources added since the application started.
	 * @param id the service id
	 * @param service its runtime options
	 * @return the properties
	 */
	public ButlerProperties withService(String id, Service service) {
		Map<String, Service> all = new HashMap<>(this.services);
		all.put(id, service);
		return new ButlerProperties(this.enabled, this.control, this.zmq, this.scheduler, all, this.components,
				this.shutdownWhenFinished, this.spoolDir, this.onUnknownProperty, this.supervision, this.startup);
	}

	/**
	 * Return the runtime options of a service, defaults if none are configured.
	 * @param id The service id
	 * @return the options
	 */
	public Service service(String id) {
		return this.services.getOrDefault(id, Service.DEFAULTS);
	}

	/**
	 * Return how the application runs the service with the given id: its runtime options, with the
	 * address of its controller checked against the ipc policy.
	 * @param id the service id
	 * @param externalControl the address of an external controller ({@code butler.control.address})
	 * when it applies to this service and the service names none of its own, else {@code null}
	 * @param ipc the runtime's ipc policy
	 * @return the options
	 */
	public ComponentOptions componentOptions(String id, @Nullable String externalControl, IpcPolicy ipc) {
		Service service = service(id);
		String controlAddress = null;
		if (StringUtils.hasText(service.controlAddress())) {
			controlAddress = service.controlAddress();
			ipc.checkProperty("butler.services." + id + ".control-address", controlAddress);
		}
		else if (StringUtils.hasText(externalControl)) {
			controlAddress = externalControl;
			ipc.checkProperty("butler.control.address", controlAddress);
		}
		return new ComponentOptions(service.optional(),
				service.autoStartup() && !service.leaderOnly() && !service.waitForLeaderReady(), service.warmUpTimeout(),
				service.stopTimeout(), controlAddress);
	}

	/**
	 * Return how the supervisor treats the service with the given id: its own keys, else those of
	 * {@code butler.supervision}. With {@code shutdown-when-finished} the restart type defaults to
	 * temporary: pipeline stages run once.
	 * @param id the service id
	 * @return the policy
	 */
	public RestartPolicy restartPolicy(String id) {
		Service service = service(id);
		RestartType restart = firstOf(service.restart(), this.supervision.restart(),
				this.shutdownWhenFinished ? RestartType.TEMPORARY : RestartType.TRANSIENT);
		int maxRestarts = firstOf(service.maxRestarts(), this.supervision.maxRestarts());
		Duration within = firstOf(service.restartWithin(), this.supervision.restartWithin());
		RestartIntensity intensity = checked(() -> new RestartIntensity(maxRestarts, within),
				maxRestarts + " within " + within,
				(service.maxRestarts() != null) ? "butler.services." + id + ".max-restarts"
						: "butler.supervision.max-restarts",
				(service.restartWithin() != null) ? "butler.services." + id + ".restart-within"
						: "butler.supervision.restart-within");
		Supervision.DefaultBackoff defaults = this.supervision.backoff();
		ServiceBackoff own = (service.backoff() != null) ? service.backoff() : ServiceBackoff.NONE;
		Duration min = firstOf(own.min(), defaults.min());
		Duration max = firstOf(own.max(), defaults.max());
		double randomFactor = firstOf(own.randomFactor(), defaults.randomFactor());
		Duration resetAfter = firstOf(own.resetAfter(), defaults.resetAfter());
		Backoff backoff = checked(() -> new Backoff(min, max, randomFactor, resetAfter),
				"min=" + min + ", max=" + max + ", random-factor=" + randomFactor + ", reset-after=" + resetAfter,
				(service.backoff() != null) ? "butler.services." + id + ".backoff" : "butler.supervision.backoff");
		return new RestartPolicy(restart, intensity, backoff);
	}

	private static <T> T checked(Supplier<T> creation, String value, String... properties) {
		try {
			return creation.get();
		}
		catch (IllegalArgumentException ex) {
			throw new ServiceConfigurationException(String.join(" / ", properties), value,
					(ex.getMessage() != null) ? ex.getMessage() : ex.toString(), ex);
		}
	}

	/**
	 * Return how often the supervisor restarts a group before it gives up on it.
	 * @param name the group's name under {@code butler.supervision.groups}
	 * @return the intensity
	 */
	public RestartIntensity groupIntensity(String name) {
		Supervision.Group group = this.supervision.groups().get(name);
		if (group == null) {
			throw new IllegalArgumentException("No group '" + name + "' under butler.supervision.groups");
		}
		int maxRestarts = firstOf(group.maxRestarts(), this.supervision.maxRestarts());
		Duration within = firstOf(group.restartWithin(), this.supervision.restartWithin());
		String prefix = "butler.supervision.groups." + name + ".";
		return checked(() -> new RestartIntensity(maxRestarts, within), maxRestarts + " within " + within,
				prefix + "max-restarts", prefix + "restart-within");
	}

	/**
	 * Return what to do when the supervisor gives up on the service with the given id.
	 * @param id the service id
	 * @return the action
	 */
	public GiveUpAction onGiveUp(String id) {
		return firstOf(service(id).onGiveUp(), this.supervision.onGiveUp());
	}

	private static <T> T firstOf(@Nullable T first, T second) {
		return (first != null) ? first : second;
	}

	private static <T> T firstOf(@Nullable T first, @Nullable T second, T third) {
		return firstOf(first, firstOf(second, third));
	}

	/**
	 * Control of the services of this application.
	 *
	 * @param address Address of an external ICCP controller (like Saturnin's --iccp) that the
	 * only service of this application connects to instead of the in-process controller
	 */
	public record Control(@Nullable String address) {

	}

	/**
	 * The shared ZeroMQ context.
	 *
	 * @param ioThreads Number of ZeroMQ I/O threads
	 * @param handshakeInterval Maximum time for the ZMTP handshake of a new connection on a service
	 * channel. JeroMQ sometimes stalls a fresh tcp handshake; it is retried after this interval. If a
	 * duration suffix is not specified, milliseconds will be used
	 * @param maxMessageSize Largest frame that any socket of the runtime (service channels and data
	 * pipes, ICCP control channels, foreign components) accepts from a peer over tcp or ipc; ZeroMQ
	 * drops the connection of a peer that sends a larger one. The default of 64MB bounds what one
	 * peer can make the application allocate (JeroMQ allocates a frame's announced size up front,
	 * up to 2GB) and is far above what Butler protocols carry. Zero or less, e.g. -1, for no limit. If
	 * a data size suffix is not specified, bytes will be used
	 * @param ipc What to do with ipc:// addresses: native serves them as Unix domain sockets, with the
	 * libzmq engine; on JeroMQ, which serves them as TCP ports on 127.0.0.1 that libzmq peers cannot
	 * reach, reject refuses them at start-up and emulate keeps them for deployments whose peers are
	 * all JeroMQ. By default native with libzmq, reject with JeroMQ
	 * @param maxSockets Largest number of sockets the shared ZeroMQ context holds at once. Each
	 * running service takes a few (both ends of its control pipe, its channels and data pipes), so
	 * the default of 1024, ZeroMQ's own, fits a few hundred services; each socket also holds file
	 * descriptors, so a larger value may need a larger open-file limit
	 * @param engine ZeroMQ implementation: jeromq (pure Java), libzmq (the native library through
	 * the FFM API, on Java 22 or later with libzmq5 installed and the butler-native module present),
	 * or auto for libzmq where it is usable and JeroMQ elsewhere
	 */
	public record Zmq(@DefaultValue("1") int ioThreads,
			@DefaultValue("1s") @DurationUnit(ChronoUnit.MILLIS) Duration handshakeInterval,
			@DefaultValue("64MB") @DataSizeUnit(DataUnit.BYTES) DataSize maxMessageSize,
			@Nullable IpcPolicy ipc, @DefaultValue("1024") int maxSockets, @DefaultValue("auto") String engine) {

	}

	/**
	 * How the services and foreign components start with the application: in waves by
	 * butler.services.<id>.depends-on, those of a wave at once.
	 *
	 * @param concurrency How many services and foreign components start at once when the
	 * application starts; those whose dependencies are running start together. 1 starts them one after
	 * the other, in the order of their beans
	 */
	public record Startup(@DefaultValue("8") int concurrency) {

	}

	/**
	 * The scheduler that times the scheduled actions of services. Actions themselves always run on
	 * their service's own thread.
	 *
	 * @param poolSize Number of scheduler threads
	 */
	public record Scheduler(@DefaultValue("1") int poolSize) {

	}

	/**
	 * Runtime options of one service.
	 *
	 * @param optional Whether the application can do without the service: a failed warm-up does
	 * not fail start-up and an aborted service does not make health DOWN
	 * @param autoStartup Whether the service starts with the application
	 * @param warmUpTimeout How long to wait for the service to report READY. If a duration suffix is not
	 * specified, milliseconds will be used
	 * @param stopTimeout How long to wait for the service to report FINISHED after STOP. If a duration
	 * suffix is not specified, milliseconds will be used
	 * @param controlAddress Address of an external ICCP controller to connect to instead of the
	 * in-process one
	 * @param agent Name or uid of a standard service to run under this id, e.g.
	 * saturnin.text.reader; for services that are not beans of the application
	 * @param restart When the supervisor restarts the service; butler.supervision.restart if not set
	 * @param maxRestarts Restarts allowed within restart-within before the supervisor gives up;
	 * butler.supervision.max-restarts if not set
	 * @param restartWithin The period that max-restarts counts in; butler.supervision.restart-within if
	 * not set
	 * @param backoff Delays between restarts; each key not set is taken from butler.supervision.backoff
	 * @param onGiveUp What to do when the supervisor gives up on the service;
	 * butler.supervision.on-give-up if not set
	 * @param dependsOn Ids of the services and foreign components this service depends on: it starts
	 * after they reported READY, only while they run, and stops before them
	 * @param onStart What to do to other services, components or groups when this service reported
	 * READY
	 * @param onUpdate What to do to other services, components or groups when this service accepted
	 * a run-time configuration
	 * @param onFail What to do to other services, components or groups when a run of this service
	 * ended with outcome ERROR or a crash, or its start failed
	 * @param onExit What to do to other services, components or groups when a run of this service
	 * ended, whatever its outcome
	 * @param onAlarm What to do to other services, components or groups, or to this one, when the
	 * process monitor raised an alarm for this service (butler.monitor.alarms)
	 * @param addedAtRunTime Whether the application adds the service at run time (ButlerServices),
	 * so that its id names no service when the application starts
	 * @param leaderOnly Whether the service runs only on the leader of the cluster (butler.cluster):
	 * started when this instance is elected, stopped when it is not the leader any more
	 * @param waitForLeaderReady Whether the service starts only once the leader of the cluster has
	 * done its set-up and said so with its ready flag, on every instance
	 * @param asLeader Options of the service that differ while this instance leads the cluster, e.g.
	 * a smaller batch-size so that the leader takes a smaller share of the work; the service is
	 * restarted with them when the instance is elected, and without them when it no longer leads
	 */
	public record Service(@DefaultValue("false") boolean optional, @DefaultValue("true") boolean autoStartup,
			@DefaultValue("10s") @DurationUnit(ChronoUnit.MILLIS) Duration warmUpTimeout,
			@DefaultValue("10s") @DurationUnit(ChronoUnit.MILLIS) Duration stopTimeout,
			@Nullable String controlAddress, @Nullable String agent, @Nullable RestartType restart,
			@Nullable Integer maxRestarts, @DurationUnit(ChronoUnit.MILLIS) @Nullable Duration restartWithin,
			@Nullable ServiceBackoff backoff, @Nullable GiveUpAction onGiveUp, @Nullable List<String> dependsOn,
			List<TriggeredAction> onStart, List<TriggeredAction> onUpdate, List<TriggeredAction> onFail,
			List<TriggeredAction> onExit, List<TriggeredAction> onAlarm, @DefaultValue("false") boolean addedAtRunTime,
			@DefaultValue("false") boolean leaderOnly, @DefaultValue("false") boolean waitForLeaderReady,
			Map<String, String> asLeader) {

		static final Service DEFAULTS = new Service(false, true, Duration.ofSeconds(10), Duration.ofSeconds(10), null,
				null, null, null, null, null, null, null, List.of(), List.of(), List.of(), List.of(), List.of(), false,
				false, false, Map.of());

		public Service {
			onStart = (onStart != null) ? List.copyOf(onStart) : List.of();
			onUpdate = (onUpdate != null) ? List.copyOf(onUpdate) : List.of();
			onFail = (onFail != null) ? List.copyOf(onFail) : List.of();
			onExit = (onExit != null) ? List.copyOf(onExit) : List.of();
			onAlarm = (onAlarm != null) ? List.copyOf(onAlarm) : List.of();
			asLeader = (asLeader != null) ? Map.copyOf(asLeader) : Map.of();
		}

		/**
		 * Return the service's triggers, in the order of their events and then as listed.
		 * @param id the service's id
		 * @return the triggers, each with the property that declares it
		 */
		public Map<String, Trigger> triggers(String id) {
			Map<String, Trigger> triggers = new LinkedHashMap<>();
			addTriggers(triggers, id, "on-start", TriggerEvent.START, this.onStart);
			addTriggers(triggers, id, "on-update", TriggerEvent.UPDATE, this.onUpdate);
			addTriggers(triggers, id, "on-fail", TriggerEvent.FAIL, this.onFail);
			addTriggers(triggers, id, "on-exit", TriggerEvent.EXIT, this.onExit);
			addTriggers(triggers, id, "on-alarm", TriggerEvent.ALARM, this.onAlarm);
			return triggers;
		}

		private static void addTriggers(Map<String, Trigger> triggers, String id, String key, TriggerEvent event,
				List<TriggeredAction> actions) {
			for (int i = 0; i < actions.size(); i++) {
				TriggeredAction action = actions.get(i);
				String property = "butler.services." + id + "." + key + "[" + i + "]";
				Trigger trigger = checked(() -> new Trigger(id, event, action.action(), action.target(),
						Map.copyOf(action.options())), String.valueOf(action), property);
				triggers.put(property, trigger);
			}
		}

	}

	/**
	 * An action of a state trigger.
	 *
	 * @param action What to do: start, stop, restart or configure
	 * @param target Id of the service or foreign component, or name of the group, to do it to
	 * @param options Options that a configure action sends, by option name
	 */
	public record TriggeredAction(TriggerAction action, String target, Map<String, String> options) {

		public TriggeredAction {
			if (action == null) {
				throw new IllegalArgumentException("A trigger needs an action: start, stop, restart or configure");
			}
			if (!StringUtils.hasText(target)) {
				throw new IllegalArgumentException("A trigger needs a target: a service, component or group");
			}
			options = (options != null) ? Map.copyOf(options) : Map.of();
		}

		@Override
		public String toString() {
			return this.action.name().toLowerCase() + " " + this.target + (this.options.isEmpty() ? "" : " " + this.options);
		}

	}

	/**
	 * Delays between the restarts of one service; keys not set are taken from
	 * butler.supervision.backoff.
	 *
	 * @param min Delay before the first restart. If a duration suffix is not specified, milliseconds
	 * will be used
	 * @param max Longest delay before the random part. If a duration suffix is not specified,
	 * milliseconds will be used
	 * @param randomFactor Largest part of a delay added at random, from 0 to 1
	 * @param resetAfter How long a run must last for the next delay to be min again. If a duration
	 * suffix is not specified, milliseconds will be used
	 */
	public record ServiceBackoff(@DurationUnit(ChronoUnit.MILLIS) @Nullable Duration min,
			@DurationUnit(ChronoUnit.MILLIS) @Nullable Duration max, @Nullable Double randomFactor,
			@DurationUnit(ChronoUnit.MILLIS) @Nullable Duration resetAfter) {

		static final ServiceBackoff NONE = new ServiceBackoff(null, null, null, null);

	}

	/**
	 * Supervision of the services, one for one: a service that ends is restarted after a backoff
	 * delay if its restart type says so, until it ended more than max-restarts times within
	 * restart-within; then the supervisor gives up on it.
	 *
	 * @param enabled Whether services are supervised at all
	 * @param restart When a service is restarted: permanent (after any end but a stop), transient
	 * (after outcome ERROR or a crash) or temporary (never). Transient unless
	 * butler.shutdown-when-finished is set, then temporary
	 * @param maxRestarts Restarts of one service allowed within restart-within before the supervisor
	 * gives up on it
	 * @param restartWithin The sliding period that max-restarts counts in. If a duration suffix is not
	 * specified, milliseconds will be used
	 * @param backoff Delays between restarts
	 * @param onGiveUp What to do when the supervisor gives up on a service: leave it down (health
	 * DOWN unless it is optional) or shut the application down with exit code 1
	 * @param groups Services supervised together, by group name: when one is restarted, the
	 * group's strategy says which others are restarted with it
	 */
	public record Supervision(@DefaultValue("true") boolean enabled, @Nullable RestartType restart,
			@DefaultValue("5") int maxRestarts,
			@DefaultValue("60s") @DurationUnit(ChronoUnit.MILLIS) Duration restartWithin,
			@DefaultValue DefaultBackoff backoff, @DefaultValue("stay-down") GiveUpAction onGiveUp,
			Map<String, Group> groups) {

		public Supervision {
			groups = (groups != null) ? Map.copyOf(groups) : Map.of();
		}

		/**
		 * Return the groups so that a nested group comes before the groups that list it, else in
		 * the order of their names.
		 * @return the groups by name
		 * @throws ServiceConfigurationException naming the circle if groups list each other in one
		 */
		public Map<String, Group> groupsNestedFirst() {
			Map<String, Group> ordered = new LinkedHashMap<>();
			new TreeMap<>(this.groups).forEach((name, group) -> addNestedFirst(name, group, ordered, new ArrayList<>()));
			return ordered;
		}

		private void addNestedFirst(String name, Group group, Map<String, Group> ordered, List<String> path) {
			if (ordered.containsKey(name)) {
				return;
			}
			if (path.contains(name)) {
				List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
				cycle.add(name);
				throw new ServiceConfigurationException("butler.supervision.groups." + name + ".services",
						String.join(",", group.services()), "Groups nest in a circle: " + String.join(" -> ", cycle));
			}
			path.add(name);
			for (String member : group.services()) {
				Group nested = this.groups.get(member);
				if (nested != null) {
					addNestedFirst(member, nested, ordered, path);
				}
			}
			path.remove(path.size() - 1);
			ordered.put(name, group);
		}

		/**
		 * Return the order the services of groups start in, as OTP starts a supervisor's children:
		 * each service of a group after the one listed before it, nested groups expanded.
		 * @return the ids of the services each service starts after, by service id
		 * @throws ServiceConfigurationException naming the circle if groups list each other in one
		 */
		public Map<String, List<String>> startOrder() {
			Map<String, List<String>> servicesOfGroup = new HashMap<>();
			Map<String, List<String>> startsAfter = new LinkedHashMap<>();
			groupsNestedFirst().forEach((name, group) -> {
				List<String> services = group.services()
					.stream()
					.flatMap((member) -> servicesOfGroup.getOrDefault(member, List.of(member)).stream())
					.toList();
				servicesOfGroup.put(name, services);
				for (int i = 1; i < services.size(); i++) {
					startsAfter.computeIfAbsent(services.get(i), (id) -> new ArrayList<>()).add(services.get(i - 1));
				}
			});
			return startsAfter;
		}

		/**
		 * Services supervised together.
		 *
		 * @param strategy Which services of the group are restarted when one is: one-for-one (only
		 * it), one-for-all (all of them) or rest-for-one (it and those listed after it)
		 * @param services The services of the group, in the order they are started again
		 * @param maxRestarts Restarts of the group allowed within restart-within before the
		 * supervisor gives up on all its services; butler.supervision.max-restarts if not set
		 * @param restartWithin The period that max-restarts counts in;
		 * butler.supervision.restart-within if not set. If a duration suffix is not specified,
		 * milliseconds will be used
		 */
		public record Group(@DefaultValue("one-for-all") RestartStrategy strategy, List<String> services,
				@Nullable Integer maxRestarts, @DurationUnit(ChronoUnit.MILLIS) @Nullable Duration restartWithin) {

			public Group {
				services = (services != null) ? List.copyOf(services) : List.of();
			}

		}

		/**
		 * Delays between restarts: doubling from min to max, each stretched by up to random-factor,
		 * back to min after a run that lasted reset-after.
		 *
		 * @param min Delay before the first restart. If a duration suffix is not specified,
		 * milliseconds will be used
		 * @param max Longest delay before the random part. If a duration suffix is not specified,
		 * milliseconds will be used
		 * @param randomFactor Largest part of a delay added at random, from 0 to 1
		 * @param resetAfter How long a run must last for the next delay to be min again. If a
		 * duration suffix is not specified, milliseconds will be used
		 */
		public record DefaultBackoff(@DefaultValue("100ms") @DurationUnit(ChronoUnit.MILLIS) Duration min,
				@DefaultValue("30s") @DurationUnit(ChronoUnit.MILLIS) Duration max,
				@DefaultValue("0.2") double randomFactor,
				@DefaultValue("60s") @DurationUnit(ChronoUnit.MILLIS) Duration resetAfter) {

		}

	}

	/**
	 * What to do when the supervisor gives up on a service.
	 */
	public enum GiveUpAction {

		/** Leave the service down: health is DOWN unless the service is optional. */
		STAY_DOWN,

		/** Shut the application down with exit code 1, e.g. for a process manager to restart it. */
		SHUTDOWN

	}

	/**
	 * A component in another process that connects to this application's controller.
	 *
	 * @param address Address to bind and wait on for the component, e.g. tcp://127.0.0.1:5100
	 * @param optional Whether the application can do without the component
	 * @param autoStartup Whether to wait for the component when the application starts
	 * @param warmUpTimeout How long to wait for the component to report READY. If a duration suffix is not
	 * specified, milliseconds will be used
	 * @param stopTimeout How long to wait for FINISHED after STOP. If a duration suffix is not
	 * specified, milliseconds will be used
	 * @param configurable Whether the component supports ICCP REQUEST/CONF; never sent otherwise
	 */
	public record Component(@Nullable String address, @DefaultValue("false") boolean optional,
			@DefaultValue("true") boolean autoStartup,
			@DefaultValue("30s") @DurationUnit(ChronoUnit.MILLIS) Duration warmUpTimeout,
			@DefaultValue("10s") @DurationUnit(ChronoUnit.MILLIS) Duration stopTimeout,
			@DefaultValue("false") boolean configurable) {

	}

}
