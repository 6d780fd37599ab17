package dev.butler.actuate.endpoint;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import dev.butler.config.OptionNames;
import dev.butler.cluster.ClusterView;
import dev.butler.context.ContextControl;
import dev.butler.context.ContextState;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ComponentControlException;
import dev.butler.control.ComponentOptions;
import dev.butler.monitor.ProcessMonitor;
import dev.butler.monitor.ServiceProcesses;
import dev.butler.protocol.AgentDescriptor;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.State;
import dev.butler.runtime.ServiceStatistics;
import dev.butler.runtime.ServiceStatistics.RecordedError;
import dev.butler.service.ResourceSnapshot;
import dev.butler.service.ScheduledAction;
import dev.butler.supervision.GroupStatus;
import dev.butler.supervision.SupervisionStatus;
import dev.butler.supervision.Supervisor;
import dev.butler.supervision.TriggerStatus;

/**
 * {@link Endpoint @Endpoint} exposing the Butler services and foreign components of the application,
 * and ICCP control over them: stop, start, restart and run-time configuration. Its write operations
 * are off by default: grant them with {@code management.endpoint.butler.access=unrestricted}.
 * Configuration values are shown as Boot's {@code env} and {@code configprops} endpoints show
 * theirs: masked unless {@link Show} allows them, then passed through the sanitizing functions.
 */
@Endpoint(id = "butler", defaultAccess = Access.READ_ONLY)
public class ButlerEndpoint {

	private static final String CONTROL_PREFIX = "inproc://butler-control/";

	static final String GROUPS = "groups";

	/**
	 * Masks values whose key looks like a credential (ends with {@code password}, {@code secret},
	 * {@code key} or {@code token}, or contains {@code credentials}) even where values are shown;
	 * applied after the application's sanitizing functions.
	 */
	private static final SanitizingFunction CREDENTIALS = SanitizingFunction.sanitizeValue().ifLikelyCredential();

	private final ButlerComponents components;

	private final Clock clock;

	private final Sanitizer sanitizer;

	private final Show showValues;

	private final @Nullable Supervisor supervisor;

	private final @Nullable ProcessMonitor monitor;

	private final @Nullable ContextControl contexts;

	private final @Nullable Supplier<ClusterView> cluster;

	/**
	 * Create a new endpoint that never shows configuration values.
	 * @param components the components to expose
	 * @param clock the clock used for uptimes
	 */
	public ButlerEndpoint(ButlerComponents components, Clock clock) {
		this(components, clock, List.of(), Show.NEVER);
	}

	/**
	 * Create a new endpoint.
	 * @param components the components to expose
	 * @param clock the clock used for uptimes
	 * @param sanitizingFunctions applied, in order, to configuration values that are shown; values
	 * whose key looks like a credential are masked in any case
	 * @param showValues when to show configuration values
	 */
	public ButlerEndpoint(ButlerComponents components, Clock clock, Iterable<SanitizingFunction> sanitizingFunctions,
			Show showValues) {
		this(components, clock, sanitizingFunctions, showValues, null);
	}

	/**
	 * Create a new endpoint of supervised components.
	 * @param components the components to expose
	 * @param clock the clock used for uptimes
	 * @param sanitizingFunctions applied, in order, to configuration values that are shown; values
	 * whose key looks like a credential are masked in any case
	 * @param showValues when to show configuration values
	 * @param supervisor the supervisor of the services, its groups and triggers; {@code null} if
	 * supervision is off
	 */
	public ButlerEndpoint(ButlerComponents components, Clock clock, Iterable<SanitizingFunction> sanitizingFunctions,
			Show showValues, @Nullable Supervisor supervisor) {
		this(components, clock, sanitizingFunctions, showValues, supervisor, null);
	}

	/**
	 * Create a new endpoint of supervised and monitored components.
	 * @param components the components to expose
	 * @param clock the clock used for uptimes
	 * @param sanitizingFunctions applied, in order, to configuration values that are shown; values
	 * whose key looks like a credential are masked in any case
	 * @param showValues when to show configuration values
	 * @param supervisor the supervisor of the services, its groups and triggers; {@code null} if
	 * supervision is off
	 * @param monitor the process monitor, whose latest sample is shown as {@code processes};
	 * {@code null} if it is off
	 */
	public ButlerEndpoint(ButlerComponents components, Clock clock, Iterable<SanitizingFunction> sanitizingFunctions,
			Show showValues, @Nullable Supervisor supervisor, @Nullable ProcessMonitor monitor) {
		this(components, clock, sanitizingFunctions, showValues, supervisor, monitor, null);
	}

	/**
	 * Create a new endpoint of supervised and monitored components and of contexts.
	 * @param components the components to expose
	 * @param clock the clock used for uptimes
	 * @param sanitizingFunctions applied, in order, to configuration values that are shown; values
	 * whose key looks like a credential are masked in any case
	 * @param showValues when to show configuration values
	 * @param supervisor the supervisor of the services, its groups and triggers; {@code null} if
	 * supervision is off
	 * @param monitor the process monitor, whose latest sample is shown as {@code processes};
	 * {@code null} if it is off
	 * @param contexts the contexts, whose running transactions are shown as {@code contexts};
	 * {@code null} if there are none
	 */
	public ButlerEndpoint(ButlerComponents components, Clock clock, Iterable<SanitizingFunction> sanitizingFunctions,
			Show showValues, @Nullable Supervisor supervisor, @Nullable ProcessMonitor monitor,
			@Nullable ContextControl contexts) {
		this(components, clock, sanitizingFunctions, showValues, supervisor, monitor, contexts, null);
	}

	/**
	 * Create a new endpoint of supervised and monitored components, of contexts and of the cluster.
	 * @param components the components to expose
	 * @param clock the clock used for uptimes
	 * @param sanitizingFunctions applied, in order, to configuration values that are shown; values
	 * whose key looks like a credential are masked in any case
	 * @param showValues when to show configuration values
	 * @param supervisor the supervisor of the services, its groups and triggers; {@code null} if
	 * supervision is off
	 * @param monitor the process monitor, whose latest sample is shown as {@code processes};
	 * {@code null} if it is off
	 * @param contexts the contexts, whose running transactions are shown as {@code contexts};
	 * {@code null} if there are none
	 * @param cluster what this instance knows of its group, shown as {@code cluster}; {@code null}
	 * if no leader is elected
	 */
	public ButlerEndpoint(ButlerComponents components, Clock clock, Iterable<SanitizingFunction> sanitizingFunctions,
			Show showValues, @Nullable Supervisor supervisor, @Nullable ProcessMonitor monitor,
			@Nullable ContextControl contexts, @Nullable Supplier<ClusterView> cluster) {
		this.cluster = cluster;
		this.contexts = contexts;
		this.monitor = monitor;
		this.supervisor = supervisor;
		this.components = components;
		this.clock = clock;
		List<SanitizingFunction> functions = new ArrayList<>();
		sanitizingFunctions.forEach(functions::add);
		functions.add(CREDENTIALS);
		this.sanitizer = new Sanitizer(functions);
		this.showValues = showValues;
	}

	/**
	 * Describe all components, without internal plumbing.
	 * @return the descriptor of every component, by id
	 */
	public ButlerDescriptor components() {
		return components(null);
	}

	/**
	 * Describe all components.
	 * @param internal whether to show internal plumbing too: Butler's own in-process control
	 * addresses and channels whose name starts with {@code #}
	 * @return the descriptor of every component, by id
	 */
	@ReadOperation
	public ButlerDescriptor components(@Nullable Boolean internal) {
		return describeAll(Boolean.TRUE.equals(internal), this.showValues.isShown(true));
	}

	/**
	 * Describe one component.
	 * @param id the component id
	 * @param internal whether to show internal plumbing too
	 * @return its descriptor, or {@code null} if there is no such component
	 */
	@ReadOperation
	public @Nullable ComponentDescriptor component(@Selector String id, @Nullable Boolean internal) {
		return describe(id, Boolean.TRUE.equals(internal), this.showValues.isShown(true));
	}

	List<String> ids() {
		return this.components.list().stream().map(ButlerComponent::id).toList();
	}

	ButlerDescriptor describeAll(boolean internal, boolean showUnsanitized) {
		Map<String, ComponentDescriptor> descriptors = new LinkedHashMap<>();
		for (ButlerComponent component : this.components) {
			descriptors.put(component.id(), describe(component, internal, showUnsanitized));
		}
		return new ButlerDescriptor(descriptors, (this.supervisor != null) ? this.supervisor.groups() : Map.of(),
				(this.monitor != null) ? this.monitor.latest().services() : Map.of(),
				(this.contexts != null) ? this.contexts.states() : List.of(),
				(this.cluster != null) ? this.cluster.get() : null);
	}

	@Nullable ComponentDescriptor describe(String id, boolean internal, boolean showUnsanitized) {
		return this.components.find(id).map((component) -> describe(component, internal, showUnsanitized))
			.orElse(null);
	}

	/**
	 * Control a component.
	 * @param id the component id
	 * @param action what to do
	 * @param options the options of a {@link ControlAction#CONFIGURE} action: {@code name=value}
	 * pairs separated by {@code ;} or new lines, or a JSON object
	 * @return the result, or {@code null} if there is no such component
	 * @throws InvalidEndpointRequestException if the options are malformed, name an option twice, or
	 * name one the service does not have
	 */
	@WriteOperation
	public @Nullable ControlResult control(@Selector String id, ControlAction action, @Nullable String options) {
		ButlerComponent component = this.components.find(id).orElse(null);
		if (component == null) {
			return null;
		}
		boolean success = true;
		String message = "OK";
		try {
			switch (action) {
				case STOP -> component.stop();
				case START -> component.start();
				case RESTART -> component.restart();
				case CONFIGURE -> {
					Map<String, Object> parsed = ConfigureOptions.parse(options);
					refuseUnknownOptions(component, parsed);
					ButlerComponent.ConfigurationReply reply = component.configure(parsed);
					success = reply.accepted();
					message = reply.message();
				}
			}
		}
		catch (ComponentControlException ex) {
			success = false;
			String reason = ex.getMessage();
			message = (reason != null) ? reason : ex.toString();
		}
		return new ControlResult(id, action, success, message, component.state(), component.outcome(),
				component.details());
	}

	/**
	 * Control a supervision group: {@code POST /actuator/butler/groups/<name>}.
	 * @param groups the path segment {@code groups}
	 * @param name the group's name
	 * @param action what to do: stop, start or restart
	 * @return the result, or {@code null} if there is no such group
	 * @throws InvalidEndpointRequestException for {@link ControlAction#CONFIGURE}
	 */
	@WriteOperation
	public @Nullable GroupControlResult controlGroup(@Selector String groups, @Selector String name,
			ControlAction action) {
		Supervisor current = this.supervisor;
		if (!GROUPS.equals(groups) || current == null || !current.groups().containsKey(name)) {
			return null;
		}
		boolean success = true;
		String message = "OK";
		try {
			switch (action) {
				case STOP -> current.stopGroup(name);
				case START -> current.startGroup(name);
				case RESTART -> current.restartGroup(name);
				case CONFIGURE -> throw new InvalidEndpointRequestException("A group cannot be configured",
						"A group cannot be configured; configure its services one by one");
			}
		}
		catch (ComponentControlException ex) {
			success = false;
			message = String.valueOf(ex.getMessage());
		}
		return new GroupControlResult(name, action, success, message, current.groups().get(name));
	}

	List<String> groupNames() {
		return (this.supervisor != null) ? List.copyOf(this.supervisor.groups().keySet()) : List.of();
	}

	/**
	 * Refuse options the service does not have: its options are those of its configuration type and
	 * of the option types it bound for its current run. Foreign components and services that are
	 * not running are not checked.
	 */
	private void refuseUnknownOptions(ButlerComponent component, Map<String, Object> options) {
		List<Object> bound = component.boundOptions();
		if (component.kind() != ButlerComponent.Kind.SERVICE || bound.isEmpty() || options.isEmpty()) {
			return;
		}
		List<Class<?>> types = bound.stream()
			.filter((object) -> !(object instanceof ComponentOptions))
			.<Class<?>>map(Object::getClass)
			.toList();
		OptionNames known = OptionNames.of(types);
		List<String> unknown = known.unknown(options);
		if (unknown.isEmpty()) {
			return;
		}
		List<String> names = known.names();
		String message = "Unknown option(s) " + ConfigureOptions.quoted(unknown) + " for service '" + component.id()
				+ "': " + (names.isEmpty() ? "it has no options"
						: "its options are " + String.join(", ", names));
		throw new InvalidEndpointRequestException(message, message);
	}

	private ComponentDescriptor describe(ButlerComponent component, boolean internal, boolean showUnsanitized) {
		Instant startedAt = component.startedAt();
		boolean live = startedAt != null && !component.state().isTerminal() && component.state() != State.UNKNOWN;
		ServiceStatistics statistics = component.statistics();
		Map<String, ChannelDescriptor> channels = new LinkedHashMap<>();
		statistics.channels().forEach((name, counters) -> {
			if (internal || !name.startsWith("#")) {
				channels.put(name, new ChannelDescriptor(counters.received(), counters.sent()));
			}
		});
		String controlAddress = component.controlAddress();
		if (!internal && controlAddress != null && controlAddress.startsWith(CONTROL_PREFIX)) {
			controlAddress = null;
		}
		return new ComponentDescriptor(component.id(), component.kind(), AgentInfo.of(component.agent()),
				PeerInfo.of(component.peer()), component.state(), component.outcome(), component.details(),
				component.isOptional(), configuration(component, showUnsanitized), component.endpoints(),
				controlAddress, startedAt,
				live ? Duration.between(startedAt, this.clock.instant()) : null,
				component.scheduledActions().stream().map(ActionDescriptor::of).toList(),
				new MessagesDescriptor(statistics.messagesReceived(), statistics.messagesSent(), statistics.errors(),
						channels),
				statistics.recentErrors(), (this.supervisor != null) ? this.supervisor.status(component.id()) : null,
				triggers(component.id()), resources(component));
	}

	private List<TriggerStatus> triggers(String source) {
		return (this.supervisor != null) ? this.supervisor.triggers()
			.stream()
			.filter((status) -> status.trigger().source().equals(source))
			.toList() : List.of();
	}

	/**
	 * Group the component's resources for the JSON: every service lists the standard groups, empty
	 * or not, and any other group it has.
	 */
	private static Map<String, List<ResourceSnapshot>> resources(ButlerComponent component) {
		Map<String, List<ResourceSnapshot>> groups = new LinkedHashMap<>();
		ResourceSnapshot.STANDARD_GROUPS.forEach((group) -> groups.put(group, new ArrayList<>()));
		for (ResourceSnapshot resource : component.resources()) {
			groups.computeIfAbsent(resource.group(), (group) -> new ArrayList<>()).add(resource);
		}
		return groups;
	}

	private @Nullable ConfigurationDescriptor configuration(ButlerComponent component, boolean showUnsanitized) {
		String prefix = component.configPrefix();
		if (prefix == null) {
			return null;
		}
		Map<String, @Nullable Object> properties = new LinkedHashMap<>();
		BoundOptions.properties(component.boundOptions())
			.forEach((name, value) -> properties.put(name,
					this.sanitizer.sanitize(new SanitizableData(null, prefix + "." + name, value), showUnsanitized)));
		return new ConfigurationDescriptor(prefix, properties);
	}

	/**
	 * Control actions.
	 */
	public enum ControlAction {

		/** Send ICCP STOP and wait for FINISHED. */
		STOP,

		/** Start a stopped component and wait for READY. */
		START,

		/** Stop, then start. */
		RESTART,

		/** Send ICCP REQUEST/CONF with the given options. */
		CONFIGURE

	}

	/**
	 * Descriptor of all components.
	 *
	 * @param components the components by id
	 * @param groups the supervision groups by name
	 * @param processes the latest sample of the process monitor: the JVM ({@code jvm}) and each
	 * command service whose command runs, by service id; empty if the monitor is off
	 * @param contexts the running transactions of contexts, in the order they started
	 * @param cluster what this instance knows of its group: its members, the leader, the ready
	 * flag, the backlog; {@code null} if no leader is elected
	 */
	public record ButlerDescriptor(Map<String, ComponentDescriptor> components, Map<String, GroupStatus> groups,
			Map<String, ServiceProcesses> processes, List<ContextState> contexts, @Nullable ClusterView cluster) {

	}

	/**
	 * Descriptor of one component.
	 *
	 * @param id the component id
	 * @param kind local service or foreign component
	 * @param agent agent identity, if known
	 * @param peer identity of the running instance, if started
	 * @param state current state
	 * @param outcome outcome of the last run
	 * @param details details of the outcome
	 * @param optional whether the application can do without it
	 * @param configuration what was bound from its configuration prefix for the current run, or
	 * {@code null} if the application binds none (foreign components)
	 * @param endpoints bound endpoints by channel
	 * @param controlAddress address of its ICCP control channel, unless it is internal
	 * @param startedAt when it was last started
	 * @param uptime how long it has been running
	 * @param scheduledActions actions scheduled on its loop
	 * @param messages message counters
	 * @param recentErrors the most recent failures, oldest first: when, in which phase, and what
	 * @param supervision what the supervisor knows of a local service, {@code null} if unsupervised
	 * @param triggers the state triggers that events of this service fire
	 * @param resources the resources of the current run by group, each a property of its own: data
	 * pipes as {@code pipes}, directory queues as {@code queues}, and so on
	 */
	public record ComponentDescriptor(String id, ButlerComponent.Kind kind, @Nullable AgentInfo agent,
			@Nullable PeerInfo peer, State state, Outcome outcome, List<String> details, boolean optional,
			@Nullable ConfigurationDescriptor configuration, Map<String, List<String>> endpoints, @Nullable String controlAddress, @Nullable Instant startedAt,
			@Nullable Duration uptime, List<ActionDescriptor> scheduledActions, MessagesDescriptor messages,
			List<RecordedError> recentErrors, @Nullable SupervisionStatus supervision, List<TriggerStatus> triggers,
			@JsonAnyGetter Map<String, List<ResourceSnapshot>> resources) {

	}

	/**
	 * The configuration of a component's current run.
	 *
	 * @param prefix the prefix it is bound from
	 * @param properties the values by property name, relative to the prefix; masked as
	 * {@code ******} unless values are shown
	 */
	public record ConfigurationDescriptor(String prefix, Map<String, @Nullable Object> properties) {

	}

	/**
	 * Agent identity.
	 *
	 * @param uid agent uid
	 * @param name agent name
	 * @param version agent version
	 * @param vendor vendor uid
	 * @param classification agent classification
	 * @param description description
	 */
	public record AgentInfo(UUID uid, String name, String version, UUID vendor, String classification,
			String description) {

		static @Nullable AgentInfo of(@Nullable AgentDescriptor agent) {
			return (agent != null) ? new AgentInfo(agent.uid(), agent.name(), agent.version(), agent.vendor(),
					agent.classification(), agent.description()) : null;
		}

	}

	/**
	 * Identity of a running instance.
	 *
	 * @param uid instance uid
	 * @param pid process id
	 * @param host host name
	 */
	public record PeerInfo(UUID uid, long pid, String host) {

		static @Nullable PeerInfo of(@Nullable PeerDescriptor peer) {
			return (peer != null) ? new PeerInfo(peer.uid(), peer.pid(), peer.host()) : null;
		}

	}

	/**
	 * A scheduled action.
	 *
	 * @param name action name
	 * @param kind how it repeats
	 * @param interval delay or period
	 * @param nextRun when it runs next
	 * @param runs how many times it ran
	 */
	public record ActionDescriptor(String name, ScheduledAction.Kind kind, Duration interval,
			@Nullable Instant nextRun, long runs) {

		static ActionDescriptor of(ScheduledAction action) {
			return new ActionDescriptor(action.name(), action.kind(), action.interval(), action.nextRun(),
					action.runs());
		}

	}

	/**
	 * Message counters of a component.
	 *
	 * @param received messages received on all channels
	 * @param sent messages sent on all channels
	 * @param errors failures counted
	 * @param channels counters by channel
	 */
	public record MessagesDescriptor(long received, long sent, long errors, Map<String, ChannelDescriptor> channels) {

	}

	/**
	 * Message counters of a channel.
	 *
	 * @param received messages received
	 * @param sent messages sent
	 */
	public record ChannelDescriptor(long received, long sent) {

	}

	/**
	 * Result of a control action.
	 *
	 * @param id the component id
	 * @param action the action
	 * @param success whether it succeeded
	 * @param message {@code OK} or what went wrong
	 * @param state the state afterwards
	 * @param outcome the outcome afterwards
	 * @param details the details afterwards
	 */
	public record ControlResult(String id, ControlAction action, boolean success, String message, State state,
			Outcome outcome, List<String> details) {

	}

	/**
	 * Result of a control action on a group.
	 *
	 * @param group the group's name
	 * @param action the action
	 * @param success whether it succeeded for every service of the group
	 * @param message {@code OK}, or the services that failed and why
	 * @param status the group's status after the action
	 */
	public record GroupControlResult(String group, ControlAction action, boolean success, String message,
			@Nullable GroupStatus status) {

	}

}
