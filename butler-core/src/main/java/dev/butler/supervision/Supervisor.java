package dev.butler.supervision;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ComponentControlException;
import dev.butler.control.ManagedMicroService;
import dev.butler.control.RunEnding;
import dev.butler.control.RunListener;
import dev.butler.supervision.RestartTracker.Decision;

/**
 * Keeps local services running under their {@link RestartPolicy restart policies}: a service that
 * ends is restarted after its backoff delay if its restart type says so, alone or with others of its
 * {@link #group group} as the group's {@link RestartStrategy strategy} says, until its restart
 * intensity, or its group's, would be exceeded; then the supervisor gives up on it (or the group)
 * and tells its {@link GiveUpListener}. Delays are timed by Spring's {@link TaskScheduler}; restarts run one at a
 * time on the supervisor's executor, as an Erlang/OTP supervisor starts its children.
 * <p>
 * As a {@link SmartLifecycle} it stops just before the services, so that no restart is made while
 * the application stops; it supervises from its creation, as the services start before it.
 */
public final class Supervisor implements RunListener, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(Supervisor.class);

	private final TaskScheduler scheduler;

	private final Executor restarts;

	private final Clock clock;

	private final DoubleSupplier random;

	private final GiveUpListener giveUpListener;

	private final Map<String, Child> children = new ConcurrentHashMap<>();

	private final Map<String, Group> groups = Collections.synchronizedMap(new LinkedHashMap<>());

	private final List<ArmedTrigger> triggers = new CopyOnWriteArrayList<>();

	private final Function<String, @Nullable ButlerComponent> components;

	/**
	 * Whether the supervisor acts. From the start: the services start in an earlier phase, and one
	 * that ends before the supervisor's own start is restarted and fires its triggers all the same.
	 */
	private volatile boolean running = true;

	/**
	 * Create a supervisor.
	 * @param scheduler times the backoff delays
	 * @param restarts runs the restarts and the triggers' actions, one at a time
	 * @param clock tells when runs end
	 * @param giveUpListener told when the supervisor gives up on a service
	 * @param components finds the services and foreign components that triggers act on, by id
	 */
	public Supervisor(TaskScheduler scheduler, Executor restarts, Clock clock, GiveUpListener giveUpListener,
			Function<String, @Nullable ButlerComponent> components) {
		this(scheduler, restarts, clock, () -> ThreadLocalRandom.current().nextDouble(), giveUpListener, components);
	}

	Supervisor(TaskScheduler scheduler, Executor restarts, Clock clock, DoubleSupplier random,
			GiveUpListener giveUpListener, Function<String, @Nullable ButlerComponent> components) {
		this.scheduler = scheduler;
		this.restarts = restarts;
		this.clock = clock;
		this.random = random;
		this.giveUpListener = giveUpListener;
		this.components = components;
	}

	/**
	 * Supervise a service from now on.
	 * @param service the service
	 * @param policy its restart policy
	 */
	public void supervise(ManagedMicroService service, RestartPolicy policy) {
		Child child = new Child(service, new RestartTracker(policy, this.random), policy.type());
		if (this.children.putIfAbsent(service.id(), child) != null) {
			throw new IllegalArgumentException("Butler service '" + service.id() + "' is already supervised");
		}
		service.setRunListener(this);
	}

	/**
	 * Stop supervising a service, e.g. one removed from the application: a restart that is due is
	 * cancelled, its runs are no longer followed, and the triggers from or to it are dropped.
	 * @param id the service id
	 * @throws IllegalStateException if the service is in a group
	 */
	public void unsupervise(String id) {
		Child child = this.children.get(id);
		if (child == null) {
			return;
		}
		Group group = child.parent;
		if (group != null) {
			throw new IllegalStateException(
					"Butler service '" + id + "' is in group '" + group.name + "' and stays supervised");
		}
		child.stopSupervising();
		this.children.remove(id, child);
		this.triggers.removeIf((armed) -> armed.trigger.source().equals(id) || armed.trigger.target().equals(id));
	}

	/**
	 * Supervise services and groups as a group: when one of its services is to be restarted, the
	 * strategy says which other members are restarted with it, and the group's intensity bounds how
	 * often that happens. Past it the supervisor gives up on the group: on every service in it if
	 * it is not nested, else its parent restarts it as one of its members, under the parent's own
	 * strategy and intensity, as an Erlang/OTP supervisor restarts a child supervisor. The services
	 * must be supervised, and nested groups declared, already; each service and group is in one
	 * group at most.
	 * @param name the group's name
	 * @param strategy which members are restarted together
	 * @param members the ids of its services and the names of its nested groups, in the order they
	 * are started
	 * @param intensity how many group restarts are made in a period before giving up
	 */
	public void group(String name, RestartStrategy strategy, List<String> members, RestartIntensity intensity) {
		if (members.isEmpty()) {
			throw new IllegalArgumentException("Group '" + name + "' names no services");
		}
		if (this.groups.containsKey(name) || this.children.containsKey(name)) {
			throw new IllegalArgumentException("Group '" + name + "' is declared twice, or is named as a service");
		}
		List<Node> nodes = new ArrayList<>();
		for (String member : members) {
			Node node = this.children.get(member);
			if (node == null) {
				node = this.groups.get(member);
			}
			if (node == null) {
				throw new IllegalArgumentException("Group '" + name + "' names '" + member
						+ "', which is neither a supervised Butler service nor a group");
			}
			if (node.parent != null) {
				throw new IllegalArgumentException("'" + member + "' is in groups '" + node.parent.name + "' and '" + name
						+ "'; a service or group can be in one group only");
			}
			nodes.add(node);
		}
		Group group = new Group(name, strategy, nodes, intensity);
		nodes.forEach((node) -> node.parent = group);
		this.groups.put(name, group);
	}

	/**
	 * Dissolve a group that is in no other: a group restart that is due is cancelled and its members
	 * are supervised on their own again, e.g. before they are removed. Nested groups stay.
	 * @param name the group's name
	 * @throws IllegalArgumentException if there is no such group
	 * @throws IllegalStateException if the group is nested in another
	 */
	public void ungroup(String name) {
		Group group = existingGroup(name);
		Group parent = group.parent;
		if (parent != null) {
			throw new IllegalStateException("Group '" + name + "' is in group '" + parent.name + "' and stays");
		}
		group.stopSupervising();
		group.members.forEach((member) -> member.parent = null);
		this.groups.remove(name, group);
		this.triggers.removeIf((armed) -> armed.trigger.target().equals(name));
	}

	/**
	 * Fire a trigger from now on when its source service's event happens.
	 * @param trigger the trigger
	 * @param intensity how often it may fire in a period before it is suspended
	 * @throws IllegalArgumentException if its source is not a supervised service, or its target
	 * neither a group nor a component that {@code components} finds
	 */
	public void trigger(Trigger trigger, RestartIntensity intensity) {
		if (!this.children.containsKey(trigger.source())) {
			throw new IllegalArgumentException(
					"Trigger " + trigger + ": '" + trigger.source() + "' is not a supervised Butler service");
		}
		Target target = target(trigger.target());
		if (trigger.action() == TriggerAction.CONFIGURE && target instanceof GroupTarget) {
			throw new IllegalArgumentException("Trigger " + trigger + ": a group cannot be configured");
		}
		this.triggers.add(new ArmedTrigger(trigger, target, intensity, this.random));
	}

	private Target target(String name) {
		Group group = this.groups.get(name);
		if (group != null) {
			return new GroupTarget(group);
		}
		ButlerComponent component = this.components.apply(name);
		if (component == null) {
			throw new IllegalArgumentException("'" + name + "' is neither a Butler service, a component nor a group");
		}
		return new ComponentTarget(component);
	}

	/**
	 * Start every service of a group that does not run, in the group's order, and supervise the
	 * group afresh: what it counted against its intensity is forgotten.
	 * @param name the group's name
	 * @throws IllegalArgumentException if there is no such group
	 * @throws ComponentControlException naming every service that failed to start
	 */
	public void startGroup(String name) {
		Group group = existingGroup(name);
		group.reset();
		List<String> failures = new ArrayList<>();
		for (Child child : group.services()) {
			try {
				child.service.start();
			}
			catch (RuntimeException ex) {
				failures.add(child.service.id() + ": " + ex.getMessage());
			}
		}
		if (!failures.isEmpty()) {
			throw new ComponentControlException("Group '" + name + "' did not start: " + String.join("; ", failures));
		}
	}

	/**
	 * Stop every service of a group, in reverse order; the supervisor restarts none of them.
	 * @param name the group's name
	 * @throws IllegalArgumentException if there is no such group
	 */
	public void stopGroup(String name) {
		Group.stopAll(existingGroup(name).services());
	}

	/**
	 * Stop every service of a group, in reverse order, then start them in order.
	 * @param name the group's name
	 * @throws IllegalArgumentException if there is no such group
	 * @throws ComponentControlException naming every service that failed to start
	 */
	public void restartGroup(String name) {
		stopGroup(name);
		startGroup(name);
	}

	private Group existingGroup(String name) {
		Group group = this.groups.get(name);
		if (group == null) {
			throw new IllegalArgumentException("There is no group '" + name + "'"
					+ (this.groups.isEmpty() ? "" : "; the groups are " + String.join(", ", this.groups.keySet())));
		}
		return group;
	}

	/**
	 * Return the status of every group, by name, in the order they were declared.
	 * @return the statuses
	 */
	public Map<String, GroupStatus> groups() {
		Map<String, GroupStatus> statuses = new LinkedHashMap<>();
		this.groups.forEach((name, group) -> statuses.put(name, group.status()));
		return statuses;
	}

	/**
	 * Return the status of every trigger, in the order they were added.
	 * @return the statuses
	 */
	public List<TriggerStatus> triggers() {
		return this.triggers.stream().map(ArmedTrigger::status).toList();
	}

	/**
	 * Return what the supervisor knows of a service.
	 * @param id the service id
	 * @return its status, or {@code null} if it is not supervised
	 */
	public @Nullable SupervisionStatus status(String id) {
		Child child = this.children.get(id);
		return (child != null) ? child.status() : null;
	}

	/**
	 * Return the status of every supervised service, by id.
	 * @return the statuses
	 */
	public Map<String, SupervisionStatus> statuses() {
		Map<String, SupervisionStatus> statuses = new LinkedHashMap<>();
		this.children.forEach((id, child) -> statuses.put(id, child.status()));
		return statuses;
	}

	@Override
	public void started(ManagedMicroService service) {
		Child child = this.children.get(service.id());
		if (child != null) {
			child.started();
			fire(service.id(), TriggerEvent.START);
		}
	}

	@Override
	public void startFailed(ManagedMicroService service, RuntimeException failure) {
		if (this.children.containsKey(service.id())) {
			fire(service.id(), TriggerEvent.FAIL);
		}
	}

	@Override
	public void configured(ManagedMicroService service) {
		if (this.children.containsKey(service.id())) {
			fire(service.id(), TriggerEvent.UPDATE);
		}
	}

	@Override
	public void stopRequested(ManagedMicroService service) {
		Child child = this.children.get(service.id());
		if (child != null) {
			child.stopRequested();
		}
	}

	@Override
	public void runEnded(ManagedMicroService service, RunEnding ending, Duration upFor) {
		Child child = this.children.get(service.id());
		if (child != null) {
			child.ended(ending, upFor);
			if (ending.isAbnormal()) {
				fire(service.id(), TriggerEvent.FAIL);
			}
			fire(service.id(), TriggerEvent.EXIT);
		}
	}

	/**
	 * Fire the {@link TriggerEvent#ALARM alarm} triggers of a service, e.g. because the process
	 * monitor saw it pass a threshold.
	 * @param id the service id
	 * @param reason what was seen, for the log
	 * @return whether the service is supervised; if not, nothing fires
	 */
	public boolean alarm(String id, String reason) {
		if (!this.children.containsKey(id)) {
			return false;
		}
		logger.info("Alarm of Butler service '" + id + "': " + reason);
		fire(id, TriggerEvent.ALARM);
		return true;
	}

	/**
	 * Fire the triggers of an event, unless the application is stopping; their actions run one at
	 * a time on the restarts' executor.
	 */
	private void fire(String source, TriggerEvent event) {
		if (!this.running) {
			return;
		}
		Instant now = this.clock.instant();
		for (ArmedTrigger trigger : this.triggers) {
			if (trigger.trigger.source().equals(source) && trigger.trigger.event() == event && trigger.arm(now)) {
				this.restarts.execute(trigger::act);
			}
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Cancel every pending restart and make no more: the application is stopping.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.children.values().forEach(Child::stopSupervising);
		synchronized (this.groups) {
			this.groups.values().forEach(Group::stopSupervising);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return ManagedMicroService.DEFAULT_PHASE + 1;
	}

	/**
	 * Told when a supervisor gives up on a service.
	 */
	@FunctionalInterface
	public interface GiveUpListener {

		/**
		 * Called once per give-up, on the thread that saw the last end; must not block.
		 * @param service the service given up on
		 * @param status its status, in {@link SupervisionStatus.Phase#GAVE_UP}
		 */
		void gaveUp(ManagedMicroService service, SupervisionStatus status);

	}

	/**
	 * A member of a group: a service or a nested group.
	 */
	private abstract static class Node {

		/** The group it is in; set once, when the group is declared. */
		volatile @Nullable Group parent;

		/**
		 * Return the services of this member, in the order they start.
		 */
		abstract List<Child> services();

		abstract String name();

	}

	/**
	 * Services and nested groups supervised together under a strategy. Locks: a group's before
	 * its nested groups', and those before a service's.
	 */
	private final class Group extends Node {

		private final String name;

		private final RestartStrategy strategy;

		private final List<Node> members;

		private final RestartTracker tracker;

		/** The members of a group restart that is due, in the group's order; empty if none is. */
		private final Set<Node> pending = new LinkedHashSet<>();

		private @Nullable ScheduledFuture<?> pendingRestart;

		private long restarts;

		private @Nullable String gaveUpBecause;

		Group(String name, RestartStrategy strategy, List<Node> members, RestartIntensity intensity) {
			this.name = name;
			this.strategy = strategy;
			this.members = List.copyOf(members);
			this.tracker = RestartTracker.counting(intensity, Supervisor.this.random);
		}

		@Override
		String name() {
			return this.name;
		}

		@Override
		List<Child> services() {
			return this.members.stream().flatMap((member) -> member.services().stream()).toList();
		}

		synchronized GroupStatus status() {
			Group parent = this.parent;
			return new GroupStatus(this.name, this.strategy, this.members.stream().map(Node::name).toList(),
					(parent != null) ? parent.name : null, this.restarts, !this.pending.isEmpty(), this.gaveUpBecause);
		}

		/**
		 * Restart the members the strategy names because one of them is to be restarted: a service
		 * after the delay its own backoff gave, or a nested group that gave up, at once. Unless the
		 * group's intensity is exceeded: then give up on the group. A member that is to be restarted
		 * while a group restart is due joins it, with those its strategy names.
		 * @param member the member to be restarted
		 * @param origin the service whose end started it
		 */
		void restartFor(Node member, Child origin, RunEnding ending, Instant now, int attempt, Instant at) {
			List<Node> affected = switch (this.strategy) {
				case ONE_FOR_ONE -> List.of(member);
				case ONE_FOR_ALL -> this.members;
				case REST_FOR_ONE -> this.members.subList(this.members.indexOf(member), this.members.size());
			};
			boolean schedule;
			String gaveUp = null;
			synchronized (this) {
				if (this.gaveUpBecause != null) {
					return;
				}
				if (this.pending.isEmpty()) {
					Decision decision = this.tracker.ended(ending, Duration.ZERO, now);
					if (decision instanceof Decision.GiveUp giveUp) {
						gaveUp = "group '" + this.name + "': " + giveUp.reason();
						this.gaveUpBecause = gaveUp;
					}
					else {
						this.restarts++;
					}
				}
				schedule = gaveUp == null && this.pending.isEmpty();
				if (gaveUp == null) {
					this.pending.addAll(affected);
					affected.forEach((node) -> node.services()
						.forEach((child) -> child.restartingWithGroup(ending, now, attempt, at)));
				}
			}
			if (gaveUp != null) {
				giveUp(origin, ending, now, gaveUp);
				return;
			}
			logger.warn("Butler service '" + origin.service.id() + "' ended (" + Child.describe(ending) + "); group '"
					+ this.name + "' restarts " + affected.stream().map(Node::name).toList() + " in "
					+ Duration.between(now, at).toMillis() + " ms");
			if (schedule) {
				ScheduledFuture<?> restart = Supervisor.this.scheduler
					.schedule(() -> Supervisor.this.restarts.execute(this::restartPending), at);
				synchronized (this) {
					this.pendingRestart = restart;
				}
			}
		}

		/**
		 * Give up on the group: its parent restarts it if it is nested, else every service in it is
		 * left down and the listener told once, of the service whose end led here.
		 */
		private void giveUp(Child origin, RunEnding ending, Instant now, String reason) {
			Group parent = this.parent;
			if (parent != null) {
				logger.warn(reason + "; its parent group '" + parent.name + "' restarts it");
				parent.restartFor(this, origin, ending, now, 1, now);
				return;
			}
			List<Child> services = services();
			origin.giveUp(ending, now, reason, true);
			List<Child> others = new ArrayList<>(services);
			others.remove(origin);
			others.forEach((child) -> child.giveUp(RunEnding.STOPPED, now, reason, false));
			Supervisor.this.restarts.execute(() -> stopAll(others));
		}

		private void restartPending() {
			List<Node> affected;
			synchronized (this) {
				affected = this.members.stream().filter(this.pending::contains).toList();
				this.pending.clear();
				this.pendingRestart = null;
			}
			List<Child> services = affected.stream().flatMap((node) -> node.services().stream()).toList();
			stopAll(services);
			affected.forEach((node) -> {
				if (node instanceof Group nested) {
					nested.reset();
				}
			});
			services.forEach(Child::startWithGroup);
		}

		/**
		 * Forget what the group and its nested groups counted and that they gave up.
		 */
		void reset() {
			synchronized (this) {
				this.tracker.reset();
				this.gaveUpBecause = null;
			}
			this.members.forEach((member) -> {
				if (member instanceof Group nested) {
					nested.reset();
				}
			});
		}

		synchronized void stopSupervising() {
			this.pending.clear();
			ScheduledFuture<?> restart = this.pendingRestart;
			this.pendingRestart = null;
			if (restart != null) {
				restart.cancel(false);
			}
		}

		static void stopAll(List<Child> children) {
			List<Child> reversed = new ArrayList<>(children);
			Collections.reverse(reversed);
			reversed.forEach((child) -> child.service.stop());
		}

	}

	private final class Child extends Node {

		private final ManagedMicroService service;

		private final RestartTracker tracker;

		private SupervisionStatus status;

		private @Nullable ScheduledFuture<?> pendingRestart;

		/** Runs that reached READY, to tell whether a restart did. */
		private long starts;

		/** Whether its group is stopping and starting it again: its stop is not an end of its own. */
		private boolean restartingWithGroup;

		/** Whether the supervisor is starting it, so that a start that ends after a give-up is no fresh start. */
		private boolean supervisorStarting;

		Child(ManagedMicroService service, RestartTracker tracker, RestartType type) {
			this.service = service;
			this.tracker = tracker;
			this.status = SupervisionStatus.initial(type);
		}

		@Override
		String name() {
			return this.service.id();
		}

		@Override
		List<Child> services() {
			return List.of(this);
		}

		synchronized SupervisionStatus status() {
			return this.status;
		}

		synchronized void started() {
			if (this.supervisorStarting && this.status.phase() == SupervisionStatus.Phase.GAVE_UP) {
				// Its group gave up while the supervisor restarted it: the group stops it.
				this.starts++;
				return;
			}
			if (this.status.phase() == SupervisionStatus.Phase.GAVE_UP
					|| this.status.phase() == SupervisionStatus.Phase.STOPPED) {
				// Started again by an operator or the application: a fresh start, as after a reset.
				this.tracker.reset();
			}
			cancelPendingRestart();
			this.starts++;
			this.status = this.status.running();
		}

		synchronized void stopRequested() {
			if (this.restartingWithGroup) {
				return;
			}
			cancelPendingRestart();
			if (this.status.phase() != SupervisionStatus.Phase.GAVE_UP) {
				this.status = this.status.stopped(this.status.lastEnding(), this.status.lastEndedAt());
			}
		}

		void ended(RunEnding ending, Duration upFor) {
			Instant now = Supervisor.this.clock.instant();
			Decision.Restart groupRestart = null;
			Group restartingGroup = null;
			synchronized (this) {
				if ((this.restartingWithGroup && ending == RunEnding.STOPPED)
						|| this.status.phase() == SupervisionStatus.Phase.GAVE_UP) {
					return;
				}
				if (ending == RunEnding.STOPPED || !Supervisor.this.running
						|| this.status.phase() == SupervisionStatus.Phase.STOPPED) {
					cancelPendingRestart();
					this.status = this.status.stopped(ending, now);
					return;
				}
				Decision decision = this.tracker.ended(ending, upFor, now);
				String id = this.service.id();
				Group group = this.parent;
				if (decision instanceof Decision.Restart restart && group != null
						&& group.strategy != RestartStrategy.ONE_FOR_ONE) {
					groupRestart = restart;
					restartingGroup = group;
				}
				else if (decision instanceof Decision.Restart restart) {
					logger.warn("Butler service '" + id + "' ended (" + describe(ending) + "); restart "
							+ restart.attempt() + " in " + restart.delay().toMillis() + " ms");
					this.status = this.status.restarting(ending, now, restart.attempt(), restart.at());
					if (restart.delay().isZero()) {
						Supervisor.this.restarts.execute(this::restart);
					}
					else {
						this.pendingRestart = Supervisor.this.scheduler
							.schedule(() -> Supervisor.this.restarts.execute(this::restart), restart.at());
					}
				}
				else if (decision instanceof Decision.GiveUp giveUp) {
					giveUp(ending, now, giveUp.reason(), true);
				}
				else {
					this.status = this.status.stopped(ending, now);
				}
			}
			if (restartingGroup != null && groupRestart != null) {
				// Outside this service's lock: the group locks the other services of the group.
				restartingGroup.restartFor(this, this, ending, now, groupRestart.attempt(), groupRestart.at());
			}
		}

		/**
		 * Stop supervising the service: the application is stopping.
		 */
		synchronized void stopSupervising() {
			this.restartingWithGroup = false;
			stopRequested();
		}

		/**
		 * Leave the service down; {@code tell} the listener only once per give-up of a group.
		 */
		synchronized void giveUp(RunEnding ending, Instant now, String reason, boolean tell) {
			logger.error("Butler service '" + this.service.id() + "' ended (" + describe(ending)
					+ ") and is left down: " + reason);
			cancelPendingRestart();
			this.restartingWithGroup = false;
			this.status = this.status.gaveUp(ending, now, reason);
			if (tell) {
				Supervisor.this.giveUpListener.gaveUp(this.service, this.status);
			}
		}

		/**
		 * Mark the service as restarted by its group, which stops and starts it.
		 */
		synchronized void restartingWithGroup(RunEnding ending, Instant now, int attempt, Instant at) {
			cancelPendingRestart();
			this.restartingWithGroup = true;
			this.status = this.status.restarting(ending, now, attempt, at);
		}

		/**
		 * Start the service again for its group; a failed start is a crash of its own.
		 */
		void startWithGroup() {
			long startsBefore;
			synchronized (this) {
				this.restartingWithGroup = false;
				if (this.status.phase() != SupervisionStatus.Phase.RESTARTING || !Supervisor.this.running) {
					return;
				}
				startsBefore = this.starts;
			}
			startAndCheck(startsBefore);
		}

		private void restart() {
			long startsBefore;
			synchronized (this) {
				if (this.status.phase() != SupervisionStatus.Phase.RESTARTING || !Supervisor.this.running) {
					return;
				}
				this.pendingRestart = null;
				startsBefore = this.starts;
			}
			startAndCheck(startsBefore);
		}

		private void startAndCheck(long startsBefore) {
			synchronized (this) {
				this.supervisorStarting = true;
			}
			try {
				this.service.start();
			}
			catch (RuntimeException ex) {
				logger.debug("Restart of Butler service '" + this.service.id() + "' failed", ex);
			}
			boolean failed;
			synchronized (this) {
				this.supervisorStarting = false;
				failed = this.starts == startsBefore && this.status.phase() == SupervisionStatus.Phase.RESTARTING;
			}
			if (failed) {
				// The warm-up failed: no run began, so none will end.
				ended(RunEnding.CRASH, Duration.ZERO);
			}
		}

		private void cancelPendingRestart() {
			ScheduledFuture<?> pending = this.pendingRestart;
			this.pendingRestart = null;
			if (pending != null) {
				pending.cancel(false);
			}
		}

		private static String describe(RunEnding ending) {
			return ending.name().toLowerCase();
		}

	}

	/**
	 * What a trigger acts on.
	 */
	private sealed interface Target {

		void act(Trigger trigger);

	}

	private record ComponentTarget(ButlerComponent component) implements Target {

		@Override
		public void act(Trigger trigger) {
			switch (trigger.action()) {
				case START -> this.component.start();
				case STOP -> this.component.stop();
				case RESTART -> this.component.restart();
				case CONFIGURE -> {
					ButlerComponent.ConfigurationReply reply = this.component.configure(trigger.options());
					if (!reply.accepted()) {
						throw new ComponentControlException(reply.message());
					}
				}
			}
		}

	}

	private final class GroupTarget implements Target {

		private final Group group;

		GroupTarget(Group group) {
			this.group = group;
		}

		@Override
		public void act(Trigger trigger) {
			switch (trigger.action()) {
				case START -> startGroup(this.group.name);
				case STOP -> stopGroup(this.group.name);
				case RESTART -> restartGroup(this.group.name);
				case CONFIGURE -> throw new IllegalStateException("A group cannot be configured");
			}
		}

	}

	/**
	 * A trigger with what it has done, bounded by its intensity.
	 */
	private static final class ArmedTrigger {

		private final Trigger trigger;

		private final Target target;

		private final RestartTracker tracker;

		private final RestartIntensity intensity;

		private long fired;

		private long failed;

		private @Nullable Instant lastFiredAt;

		private @Nullable String lastResult;

		private @Nullable String suspendedBecause;

		ArmedTrigger(Trigger trigger, Target target, RestartIntensity intensity, DoubleSupplier random) {
			this.trigger = trigger;
			this.target = target;
			this.intensity = intensity;
			this.tracker = RestartTracker.counting(intensity, random);
		}

		/**
		 * Count a firing; return whether its action is to run, or the trigger is suspended.
		 */
		synchronized boolean arm(Instant now) {
			if (this.suspendedBecause != null) {
				return false;
			}
			if (this.tracker.ended(RunEnding.CRASH, Duration.ZERO, now) instanceof Decision.GiveUp) {
				this.suspendedBecause = "it would fire more than " + this.intensity.maxRestarts() + " times within "
						+ this.intensity.within().toString().substring(2).toLowerCase();
				logger.error("Trigger " + this.trigger + " is suspended: " + this.suspendedBecause);
				return false;
			}
			this.fired++;
			this.lastFiredAt = now;
			return true;
		}

		void act() {
			String result = "OK";
			try {
				logger.info("Trigger " + this.trigger);
				this.target.act(this.trigger);
			}
			catch (RuntimeException ex) {
				result = String.valueOf(ex.getMessage());
				logger.warn("Trigger " + this.trigger + " failed: " + result);
			}
			synchronized (this) {
				this.lastResult = result;
				if (!"OK".equals(result)) {
					this.failed++;
				}
			}
		}

		synchronized TriggerStatus status() {
			return new TriggerStatus(this.trigger, this.fired, this.failed, this.lastFiredAt, this.lastResult,
					this.suspendedBecause);
		}

	}

}
