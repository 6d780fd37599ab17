package dev.butler.service;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A bounded pool of worker threads that a service owns for one run, for blocking or slow work its
 * loop must not do; see {@link ServiceContext#workerPool(String, WorkerPoolOptions)}. Work waits in
 * a queue with a soft and a hard cap, as Go srv's worker pools do: below the soft cap work is always
 * taken; past it a burst is taken up to the hard cap while the pool has burst allowance, which work
 * spends and which the pool earns back each time a worker takes work and leaves the queue below the
 * soft cap; at the hard cap, or with the allowance spent, work is rejected. Submitting never blocks.
 * <p>
 * A task that fails completes its future exceptionally and counts among the pool's {@code errors};
 * the failure also goes to the pool's error observer if it has one, else the pool keeps it and
 * reports it when it stops, among the service's recent errors and in its outcome details. When the
 * service stops, the pool takes no more work and drains: its workers run what is queued, for up to
 * {@link WorkerPoolOptions#drainTimeout()}, before the service releases its resources.
 * <p>
 * The futures complete on the worker thread that ran the task, and so do stages chained to them
 * without an executor. Hand results back to the service's loop with
 * {@code future.thenAcceptAsync(result -> ..., context.loopExecutor())}. Unlike the rest of the
 * service API, a pool may be used from any thread.
 */
public interface WorkerPool extends Executor {

	/**
	 * Return the pool's name, unique among the service's pools.
	 * @return the name
	 */
	String name();

	/**
	 * Queue a task.
	 * @param <T> the result type
	 * @param task the task
	 * @return a future completed with the task's result on the worker thread, or exceptionally with
	 * its failure, or cancelled if the pool drops it because it did not drain in time
	 * @throws RejectedExecutionException if the pool is full or stopped, naming the service, the pool
	 * and its caps
	 */
	<T> CompletableFuture<T> submit(Callable<T> task);

	/**
	 * Queue a task.
	 * @param task the task
	 * @return a future completed when the task has run, as for {@link #submit(Callable)}
	 * @throws RejectedExecutionException if the pool is full or stopped
	 */
	CompletableFuture<Void> submit(Runnable task);

	/**
	 * Queue a task, as {@link #submit(Runnable)} does, without a future: its failure is still counted
	 * and observed or reported.
	 * @param task the task
	 * @throws RejectedExecutionException if the pool is full or stopped
	 */
	@Override
	void execute(Runnable task);

}
