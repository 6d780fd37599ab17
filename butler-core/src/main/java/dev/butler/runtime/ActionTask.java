package dev.butler.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.TaskScheduler;

import dev.butler.service.ScheduledAction;

/**
 * A {@link ScheduledAction} timed by Spring's {@link TaskScheduler} and run on a service loop: when
 * due, the scheduler only queues it, and the loop runs it.
 */
final class ActionTask implements ScheduledAction {

	private static final Log logger = LogFactory.getLog(ActionTask.class);

	private final String name;

	private final Kind kind;

	private final Duration interval;

	private final Runnable action;

	private final TaskScheduler scheduler;

	private final Consumer<ActionTask> dueQueue;

	private final Consumer<ActionTask> cancelledHook;

	private final AtomicBoolean queued = new AtomicBoolean();

	private final AtomicLong runs = new AtomicLong();

	private volatile @Nullable Instant nextRun;

	private volatile @Nullable ScheduledFuture<?> future;

	private volatile boolean cancelled;

	ActionTask(String name, Kind kind, Duration interval, Runnable action, TaskScheduler scheduler,
			Consumer<ActionTask> dueQueue, Consumer<ActionTask> cancelledHook) {
		if (interval.isNegative() || (kind != Kind.ONCE && interval.isZero())) {
			throw new IllegalArgumentException("Invalid interval " + interval + " for action '" + name + "'");
		}
		this.name = name;
		this.kind = kind;
		this.interval = interval;
		this.action = action;
		this.scheduler = scheduler;
		this.dueQueue = dueQueue;
		this.cancelledHook = cancelledHook;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public Kind kind() {
		return this.kind;
	}

	@Override
	public Duration interval() {
		return this.interval;
	}

	@Override
	public @Nullable Instant nextRun() {
		return this.nextRun;
	}

	@Override
	public long runs() {
		return this.runs.get();
	}

	@Override
	public void cancel() {
		this.cancelled = true;
		this.nextRun = null;
		ScheduledFuture<?> current = this.future;
		if (current != null) {
			current.cancel(false);
		}
		this.cancelledHook.accept(this);
	}

	@Override
	public boolean isDone() {
		return this.cancelled || (this.kind == Kind.ONCE && this.runs.get() > 0);
	}

	void arm(Instant when) {
		if (!this.cancelled) {
			this.nextRun = when;
			try {
				this.future = this.scheduler.schedule(this::due, when);
			}
			catch (TaskRejectedException ex) {
				logger.debug("Action '" + this.name + "' not scheduled again: the scheduler is shutting down");
				this.nextRun = null;
			}
		}
	}

	private void due() {
		if (!this.cancelled && this.queued.compareAndSet(false, true)) {
			this.dueQueue.accept(this);
		}
	}

	Runnable action() {
		return this.action;
	}

	/**
	 * Record a run that started at {@code started} and schedule the next one, if any.
	 */
	void ran(Instant started, Instant ended) {
		this.queued.set(false);
		this.runs.incrementAndGet();
		switch (this.kind) {
			case ONCE -> this.nextRun = null;
			case FIXED_DELAY -> arm(ended.plus(this.interval));
			case FIXED_RATE -> {
				// null when the action was cancelled meanwhile, e.g. by itself
				Instant scheduled = this.nextRun;
				if (scheduled != null) {
					Instant next = scheduled.plus(this.interval);
					arm(next.isBefore(started) ? started.plus(this.interval) : next);
				}
			}
		}
	}

	boolean isCancelled() {
		return this.cancelled;
	}

	void dequeued() {
		this.queued.set(false);
	}

}
