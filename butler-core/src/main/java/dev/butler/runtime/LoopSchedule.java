package dev.butler.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

import io.micrometer.observation.Observation;

import dev.butler.service.ScheduledAction;

/**
 * What a service loop runs between serving its sockets: the service's scheduled actions once Spring's
 * {@code TaskScheduler} found them due, and tasks handed to the loop's executor from other threads.
 * Either wakes the loop.
 */
final class LoopSchedule {

	private final String serviceId;

	private final ServiceRuntime runtime;

	/** Ends the loop's wait for its sockets; from any thread. */
	private final Runnable wakeup;

	private final List<ActionTask> actions = new CopyOnWriteArrayList<>();

	private final Queue<ActionTask> dueActions = new ConcurrentLinkedQueue<>();

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final Executor executor;

	LoopSchedule(String serviceId, ServiceRuntime runtime, Runnable wakeup) {
		this.serviceId = serviceId;
		this.runtime = runtime;
		this.wakeup = wakeup;
		this.executor = (task) -> {
			this.tasks.add(task);
			wakeup.run();
		};
	}

	ScheduledAction add(String name, ScheduledAction.Kind kind, Duration interval, Runnable action) {
		// A cancelled action is forgotten at once: its future never runs, so the loop would never see it.
		ActionTask task = new ActionTask(name, kind, interval, action, this.runtime.scheduler(), this::due,
				this.actions::remove);
		this.actions.add(task);
		task.arm(this.runtime.clock().instant().plus(interval));
		return task;
	}

	private void due(ActionTask task) {
		this.dueActions.add(task);
		this.wakeup.run();
	}

	/**
	 * Return an executor whose tasks the loop runs, in the order given.
	 */
	Executor executor() {
		return this.executor;
	}

	/**
	 * Return whether an action is due or a task waits, so that the loop must not sleep.
	 */
	boolean hasWork() {
		return !this.dueActions.isEmpty() || !this.tasks.isEmpty();
	}

	/**
	 * Run the waiting tasks, then the due actions, each observed as {@code butler.action}, until
	 * {@code stopRequested} says to stop.
	 */
	void runDue(BooleanSupplier stopRequested) {
		for (int i = this.tasks.size(); i > 0 && !stopRequested.getAsBoolean(); i--) {
			this.tasks.poll().run();
		}
		ActionTask task;
		while (!stopRequested.getAsBoolean() && (task = this.dueActions.poll()) != null) {
			if (task.isCancelled()) {
				task.dequeued();
				continue;
			}
			Instant started = this.runtime.clock().instant();
			Observation.createNotStarted("butler.action", this.runtime.observations())
				.contextualName(this.serviceId + " " + task.name())
				.lowCardinalityKeyValue("service", this.serviceId)
				.lowCardinalityKeyValue("action", task.name())
				.observe(task.action());
			task.ran(started, this.runtime.clock().instant());
			if (task.isDone()) {
				this.actions.remove(task);
			}
		}
	}

	List<ScheduledAction> scheduled() {
		return List.copyOf(this.actions);
	}

	/**
	 * Cancel every action and forget what waits.
	 */
	void cancelAll() {
		this.actions.forEach(ActionTask::cancel);
		this.actions.clear();
		this.dueActions.clear();
		this.tasks.clear();
	}

}
