package dev.butler.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.butler.service.Counter;
import dev.butler.service.ServiceResource;
import dev.butler.service.WorkerPool;
import dev.butler.service.WorkerPoolOptions;
import dev.butler.service.WorkerPoolSnapshot;
import dev.butler.service.WorkerPoolSnapshot.State;

/**
 * A {@link WorkerPool} of one run of a service: its workers start when the service's resources
 * open, and {@link #drain(long)} stops them when the run ends. A resource of the run only to be
 * opened, closed (which ends its intake) and described.
 */
final class ServiceWorkerPool implements WorkerPool, ServiceResource {

	/** Failures a pool without an observer keeps to report when it stops; the rest are counted. */
	static final int RETAINED_ERRORS = 10;

	private static final Log logger = LogFactory.getLog(ServiceWorkerPool.class);

	private final String serviceId;

	private final String name;

	private final WorkerPoolOptions options;

	private final @Nullable Consumer<Throwable> errorObserver;

	private final ButlerThreads threads;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition workQueued = this.lock.newCondition();

	/** Work waiting for a worker; guarded by the lock. */
	private final ArrayDeque<Task<?>> queue = new ArrayDeque<>();

	/** Tasks that may still be taken past the soft cap; guarded by the lock. */
	private int burstAllowance;

	/** The workers, started and joined on the service's thread. */
	private final List<Thread> workers = new ArrayList<>();

	/** The first failures, when there is no observer; guarded by itself. */
	private final List<Throwable> retainedErrors = new ArrayList<>();

	private final AtomicInteger active = new AtomicInteger();

	private final Counter completed = new Counter();

	private final Counter errors = new Counter();

	private final Counter rejected = new Counter();

	private final Counter dropped = new Counter();

	/** Written under the lock. */
	private volatile State state = State.CREATED;

	/** The size of the queue; written under the lock. */
	private volatile int queued;

	ServiceWorkerPool(String serviceId, String name, WorkerPoolOptions options,
			@Nullable Consumer<Throwable> errorObserver, ButlerThreads threads) {
		this.serviceId = serviceId;
		this.name = name;
		this.options = options;
		this.errorObserver = errorObserver;
		this.threads = threads;
		this.burstAllowance = maxBurst();
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public <T> CompletableFuture<T> submit(Callable<T> task) {
		CompletableFuture<T> future = new CompletableFuture<>();
		enqueue(new Task<>(task, future));
		return future;
	}

	@Override
	public CompletableFuture<Void> submit(Runnable task) {
		return submit(() -> {
			task.run();
			return null;
		});
	}

	@Override
	public void execute(Runnable task) {
		submit(task);
	}

	@Override
	public void open() {
		this.lock.lock();
		try {
			if (this.state != State.CREATED) {
				return;
			}
			this.state = State.RUNNING;
		}
		finally {
			this.lock.unlock();
		}
		for (int i = 1; i <= this.options.workers(); i++) {
			this.workers.add(this.threads.start("butler-pool-" + this.serviceId + "-" + this.name + "-" + i, true,
					this::work));
		}
	}

	@Override
	public void close(String reason) {
		this.lock.lock();
		try {
			if (this.state == State.CREATED || this.state == State.RUNNING) {
				this.state = State.DRAINING;
				this.workQueued.signalAll();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public WorkerPoolSnapshot describe() {
		return new WorkerPoolSnapshot(this.name, this.state, this.options.workers(), this.options.softCap(),
				this.options.hardCap(), this.active.get(), this.queued, this.completed.get(), this.errors.get(),
				this.rejected.get(), this.dropped.get());
	}

	/**
	 * Take no more work and wait until the workers ran what is queued, at most until
	 * {@link WorkerPoolOptions#drainTimeout()} after {@code startNanos}; then drop what is still
	 * queued. Called on the service's thread; once drained, it reports nothing more.
	 * @param startNanos when draining began, as {@link System#nanoTime()}
	 * @return what to report among the service's errors and outcome details: that the pool did not
	 * drain, and the failures it kept; empty if none
	 */
	List<String> drain(long startNanos) {
		if (this.state == State.STOPPED || this.state == State.ABANDONED) {
			return List.of();
		}
		close("drain");
		long deadline = startNanos + this.options.drainTimeout().toNanos();
		try {
			for (Thread worker : this.workers) {
				long left = deadline - System.nanoTime();
				if (left > 0) {
					worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		List<Task<?>> left;
		this.lock.lock();
		try {
			left = new ArrayList<>(this.queue);
			this.queue.clear();
			this.queued = 0;
			this.state = (left.isEmpty() && this.active.get() == 0) ? State.STOPPED : State.ABANDONED;
		}
		finally {
			this.lock.unlock();
		}
		for (Task<?> task : left) {
			this.dropped.increment();
			task.future().cancel(false);
		}
		List<String> report = new ArrayList<>();
		if (this.state == State.ABANDONED) {
			report.add(abandoned(left.size()));
		}
		report.addAll(failures());
		return List.copyOf(report);
	}

	@Override
	public String toString() {
		return "worker pool '" + this.name + "' of service '" + this.serviceId + "'";
	}

	private void enqueue(Task<?> task) {
		this.lock.lock();
		try {
			if (this.state != State.CREATED && this.state != State.RUNNING) {
				this.rejected.increment();
				throw new RejectedExecutionException("Worker pool '" + this.name + "' of service '" + this.serviceId
						+ "' is stopped: it takes no more work");
			}
			int size = this.queue.size();
			if (size >= this.options.hardCap()) {
				this.rejected.increment();
				throw new RejectedExecutionException(full(tasks(size) + " queued, its hard cap (soft cap "
						+ this.options.softCap()));
			}
			if (size >= this.options.softCap()) {
				if (this.burstAllowance == 0) {
					this.rejected.increment();
					throw new RejectedExecutionException(full(tasks(size) + " queued, past its soft cap of "
							+ this.options.softCap() + " with its burst allowance spent (hard cap "
							+ this.options.hardCap()));
				}
				this.burstAllowance--;
			}
			this.queue.addLast(task);
			this.queued = this.queue.size();
			this.workQueued.signal();
		}
		finally {
			this.lock.unlock();
		}
	}

	private String full(String what) {
		return "Worker pool '" + this.name + "' of service '" + this.serviceId + "' is full: " + what + ", "
				+ this.active.get() + " of " + this.options.workers() + " workers busy)";
	}

	private void work() {
		while (true) {
			Task<?> task;
			this.lock.lock();
			try {
				while (this.queue.isEmpty() && (this.state == State.RUNNING)) {
					this.workQueued.awaitUninterruptibly();
				}
				task = this.queue.pollFirst();
				if (task == null) {
					return;
				}
				this.queued = this.queue.size();
				if (this.queued < this.options.softCap() && this.burstAllowance < maxBurst()) {
					this.burstAllowance++;
				}
				this.active.incrementAndGet();
			}
			finally {
				this.lock.unlock();
			}
			try {
				run(task);
			}
			finally {
				this.active.decrementAndGet();
			}
		}
	}

	private <T> void run(Task<T> task) {
		if (task.future().isDone()) {
			return;
		}
		T result;
		try {
			result = task.work().call();
		}
		catch (Throwable ex) {
			this.errors.increment();
			failed(ex);
			task.future().completeExceptionally(ex);
			return;
		}
		this.completed.increment();
		task.future().complete(result);
	}

	private void failed(Throwable ex) {
		Consumer<Throwable> observer = this.errorObserver;
		if (observer != null) {
			try {
				observer.accept(ex);
			}
			catch (Throwable failure) {
				logger.warn("Error observer of " + this + " failed", failure);
			}
			return;
		}
		logger.debug("A task of " + this + " failed", ex);
		synchronized (this.retainedErrors) {
			if (this.retainedErrors.size() < RETAINED_ERRORS) {
				this.retainedErrors.add(ex);
			}
		}
	}

	private String abandoned(int droppedTasks) {
		List<Thread> running = running();
		if (this.workers.isEmpty()) {
			String detail = "Worker pool '" + this.name + "' never started: " + tasks(droppedTasks) + " dropped";
			logger.warn("Butler service '" + this.serviceId + "': " + detail);
			return detail;
		}
		String detail = "Worker pool '" + this.name + "' did not drain within "
				+ this.options.drainTimeout().toMillis() + " ms: " + tasks(this.active.get()) + " still running"
				+ (running.isEmpty() ? ""
						: " (" + String.join(", ", running.stream().map(Thread::getName).toList()) + ")")
				+ ", " + tasks(droppedTasks) + " dropped from the queue";
		StringBuilder where = new StringBuilder();
		for (Thread thread : running) {
			where.append("\n").append(thread.getName()).append(" at").append(ButlerThreads.where(thread));
		}
		logger.warn("Butler service '" + this.serviceId + "': " + detail + where);
		return detail;
	}

	private List<String> failures() {
		List<Throwable> kept;
		synchronized (this.retainedErrors) {
			kept = List.copyOf(this.retainedErrors);
		}
		if (kept.isEmpty()) {
			return List.of();
		}
		List<String> lines = new ArrayList<>();
		for (Throwable ex : kept) {
			lines.add("Task of worker pool '" + this.name + "' failed: " + ErrorDetails.summary(ex));
		}
		long more = this.errors.get() - kept.size();
		if (more > 0) {
			lines.add("Worker pool '" + this.name + "': " + more + " more " + ((more == 1) ? "task" : "tasks") + " failed");
		}
		logger.warn("Butler service '" + this.serviceId + "': " + this.errors.get() + " tasks of worker pool '"
				+ this.name + "' failed; the first", kept.get(0));
		return lines;
	}

	private List<Thread> running() {
		return this.workers.stream().filter(Thread::isAlive).toList();
	}

	private static String tasks(long count) {
		return count + ((count == 1) ? " task" : " tasks");
	}

	private int maxBurst() {
		return this.options.hardCap() - this.options.softCap();
	}

	/**
	 * A task and its future.
	 */
	private record Task<T>(Callable<T> work, CompletableFuture<T> future) {

	}

}
