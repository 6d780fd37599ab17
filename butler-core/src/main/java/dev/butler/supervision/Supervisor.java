package dev.butler.supervision;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

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
 * the application stops.
 */
public final class Supervisor implements RunListener, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(Supervisor.class);

	private final TaskScheduler scheduler;

	private final Executor restarts;

	private final Clock clock;

	private final DoubleSupplier random;

	private final GiveUpListener giveUpListener;

	private final Map<String, Child> children = new ConcurrentHashMap<>();

	private volatile boolean running;

	/**
	 * Create a supervisor.
	 * @param scheduler times the backoff delays
	 * @param restarts runs the restarts, one at a time
	 * @param clock tells when runs end
	 * @param giveUpListener told when the supervisor gives up on a service
	 */
	public Supervisor(TaskScheduler scheduler, Executor restarts, Clock clock, GiveUpListener giveUpListener) {
		this(scheduler, restarts, clock, () -> ThreadLocalRandom.current().nextDouble(), giveUpListener);
	}

	Supervisor(TaskScheduler scheduler, Executor restarts, Clock clock, DoubleSupplier random,
			GiveUpListener giveUpListener) {
		this.scheduler = scheduler;
		this.restarts = restarts;
		this.clock = clock;
		this.random = random;
		this.giveUpListener = giveUpListener;
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
	 * cancelled and its runs are no longer followed.
	 * @param id the service id
	 * @throws IllegalStateException if the service is in a group
	 */
	public void unsupervise(String id) {
		Child child = this.children.get(id);
		if (child == null) {
			return;
		}
		Group group = child.group;
		if (group != null) {
			throw new IllegalStateException(
					"Butler service '" + id + "' is in group '" + group.name + "' and stays supervised");
		}
		child.stopSupervising();
		this.children.remove(id, child);
	}

	/**
	 * Supervise services as a group: when one of them is to be restarted, the strategy says which
	 * others are restarted with it, and the group's intensity bounds how often that happens; past
	 * it the supervisor gives up on every service of the group. The services must be supervised
	 * already, each in one group at most.
	 * @param name the group's name
	 * @param strategy which services are restarted together
	 * @param ids the services, in the order they are started
	 * @param intensity how many group restarts are made in a period before giving up
	 */
	public void group(String name, RestartStrategy strategy, List<String> ids, RestartIntensity intensity) {
		if (ids.isEmpty()) {
			throw new IllegalArgumentException("Group '" + name + "' names no services");
		}
		List<Child> members = new ArrayList<>();
		for (String id : ids) {
			Child child = this.children.get(id);
			if (child == null) {
				throw new IllegalArgumentException(
						"Group '" + name + "' names '" + id + "', which is not a supervised Butler service");
			}
			if (child.group != null) {
				throw new IllegalArgumentException("Butler service '" + id + "' is in groups '" + child.group.name
						+ "' and '" + name + "'; a service can be in one group only");
			}
			members.add(child);
		}
		Group group = new Group(name, strategy, members, new RestartTracker(
				new RestartPolicy(RestartType.PERMANENT, intensity, new Backoff(Duration.ZERO, Duration.ZERO, 0,
						Duration.ZERO)), this.random));
		members.forEach((child) -> child.group = group);
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
	 * Services supervised together under a strategy.
	 */
	private final class Group {

		private final String name;

		private final RestartStrategy strategy;

		private final List<Child> members;

		private final RestartTracker tracker;

		Group(String name, RestartStrategy strategy, List<Child> members, RestartTracker tracker) {
			this.name = name;
			this.strategy = strategy;
			this.members = List.copyOf(members);
			this.tracker = tracker;
		}

		/** The services of a group restart that is due, in the group's order; empty if none is. */
		private final Set<Child> pending = new LinkedHashSet<>();

		/**
		 * Restart the services the strategy names, after the delay the ended service's own backoff
		 * gave, unless the group's intensity is exceeded: then give up on every service of the group.
		 * A service that ends while a group restart is due joins it, with those after it.
		 */
		void restartFor(Child ended, RunEnding ending, Duration upFor, Instant now, Decision.Restart restart) {
			List<Child> affected = (this.strategy == RestartStrategy.ONE_FOR_ALL) ? this.members
					: this.members.subList(this.members.indexOf(ended), this.members.size());
			boolean schedule;
			synchronized (this) {
				if (this.pending.isEmpty()) {
					Decision decision = this.tracker.ended(ending, upFor, now);
					if (decision instanceof Decision.GiveUp giveUp) {
						giveUpFor(ended, ending, now, "group '" + this.name + "': " + giveUp.reason());
						return;
					}
				}
				schedule = this.pending.isEmpty();
				this.pending.addAll(affected);
				// Under the group's lock, which is always taken before a service's.
				affected.forEach((child) -> child.restartingWithGroup(ending, now, restart.attempt(), restart.at()));
			}
			logger.warn("Butler service '" + ended.service.id() + "' ended (" + Child.describe(ending) + "); group '"
					+ this.name + "' restarts " + affected.stream().map((child) -> child.service.id()).toList() + " in "
					+ restart.delay().toMillis() + " ms");
			if (schedule) {
				Supervisor.this.scheduler.schedule(() -> Supervisor.this.restarts.execute(this::restartPending),
						restart.at());
			}
		}

		private void giveUpFor(Child ended, RunEnding ending, Instant now, String reason) {
			ended.giveUp(ending, now, reason, true);
			List<Child> others = new ArrayList<>(this.members);
			others.remove(ended);
			others.forEach((child) -> child.giveUp(RunEnding.STOPPED, now, reason, false));
			Supervisor.this.restarts.execute(() -> stopAll(others));
		}

		private void restartPending() {
			List<Child> affected;
			synchronized (this) {
				affected = this.members.stream().filter(this.pending::contains).toList();
				this.pending.clear();
			}
			stopAll(affected);
			affected.forEach(Child::startWithGroup);
		}

		private void stopAll(List<Child> children) {
			List<Child> reversed = new ArrayList<>(children);
			Collections.reverse(reversed);
			reversed.forEach((child) -> child.service.stop());
		}

	}

	private final class Child {

		private final ManagedMicroService service;

		private final RestartTracker tracker;

		private SupervisionStatus status;

		private @Nullable ScheduledFuture<?> pendingRestart;

		/** Runs that reached READY, to tell whether a restart did. */
		private long starts;

		private @Nullable Group group;

		/** Whether its group is stopping and starting it again: its stop is not an end of its own. */
		private boolean restartingWithGroup;

		Child(ManagedMicroService service, RestartTracker tracker, RestartType type) {
			this.service = service;
			this.tracker = tracker;
			this.status = SupervisionStatus.initial(type);
		}

		synchronized SupervisionStatus status() {
			return this.status;
		}

		synchronized void started() {
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
				Group group = this.group;
				if (decision instanceof Decision.Restart restart && group != null
						&& group.strategy != RestartStrategy.ONE_FOR_ONE) {
					groupRestart = restart;
					restartingGroup = group;
				}
				else if (decision instanceof Decision.Restart restart) {
					logger.warn("Butler service '" + id + "' ended (" + describe(ending) + "); restart "
							+ restart.attempt() + " in " + restart.delay().toMillis() + " ms");
					this.status = this.status.restarting(ending, now, restart.attempt(), restart.at());
					this.pendingRestart = Supervisor.this.scheduler
						.schedule(() -> Supervisor.this.restarts.execute(this::restart), restart.at());
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
				restartingGroup.restartFor(this, ending, upFor, now, groupRestart);
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
			try {
				this.service.start();
			}
			catch (RuntimeException ex) {
				logger.debug("Restart of Butler service '" + this.service.id() + "' failed", ex);
			}
			boolean failed;
			synchronized (this) {
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

}
