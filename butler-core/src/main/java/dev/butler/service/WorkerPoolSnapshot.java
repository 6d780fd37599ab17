package dev.butler.service;

import java.util.List;

/**
 * A service's worker pool at one moment. Listed as {@code pools} in {@code /actuator/butler}; its
 * meters are {@code butler.pool.completed}, {@code butler.pool.errors}, {@code butler.pool.rejected}
 * and {@code butler.pool.dropped}, summed over all runs of the service, and the gauges
 * {@code butler.pool.active} and {@code butler.pool.queued}, tagged with {@code pool}.
 *
 * @param name the pool's name
 * @param state what the pool is doing
 * @param workers the worker threads
 * @param softCap queued tasks up to which work is always taken
 * @param hardCap queued tasks past which work is never taken
 * @param active tasks running now
 * @param queued tasks waiting for a worker
 * @param completed tasks that ran to their end in the current run
 * @param errors tasks that failed in the current run
 * @param rejected tasks refused in the current run because the pool was full or stopped
 * @param dropped queued tasks cancelled in the current run because the pool did not drain in time
 */
public record WorkerPoolSnapshot(String name, State state, int workers, int softCap, int hardCap, int active,
		int queued, long completed, long errors, long rejected, long dropped) implements ResourceSnapshot {

	@Override
	public String kind() {
		return "pool";
	}

	@Override
	public List<Count> counters() {
		return List.of(new Count("completed", this.completed, true, "Tasks the worker pool ran to their end"),
				new Count("errors", this.errors, true, "Tasks of the worker pool that failed"),
				new Count("rejected", this.rejected, true, "Tasks the worker pool refused, full or stopped"),
				new Count("dropped", this.dropped, true,
						"Queued tasks the worker pool cancelled because it did not drain in time"));
	}

	@Override
	public List<Level> gauges() {
		return List.of(new Level("active", this.active, "Tasks the worker pool is running"),
				new Level("queued", this.queued, "Tasks waiting for a worker of the pool"));
	}

	/**
	 * What a worker pool is doing.
	 */
	public enum State {

		/** Taking work, which waits until the service's resources open. */
		CREATED,

		/** Taking and running work. */
		RUNNING,

		/** The service stops: running what is queued, taking no more. */
		DRAINING,

		/** Drained, its workers ended. */
		STOPPED,

		/** Did not drain in time: queued work was dropped, running work left to end on its own. */
		ABANDONED

	}

}
