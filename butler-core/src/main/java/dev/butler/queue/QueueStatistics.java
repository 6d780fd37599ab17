package dev.butler.queue;

import dev.butler.service.Counter;

/**
 * Live counters of a queue consumer or producer, kept over all runs of its service. Written by one
 * thread, readable from any.
 */
public final class QueueStatistics {

	final Counter enqueued = new Counter();

	final Counter claimed = new Counter();

	final Counter skipped = new Counter();

	final Counter processed = new Counter();

	final Counter committed = new Counter();

	final Counter handedOn = new Counter();

	final Counter banished = new Counter();

	final Counter released = new Counter();

	final Counter recovered = new Counter();

	final Counter failures = new Counter();

	/**
	 * Count messages written into a queue.
	 * @param count the number of messages
	 */
	public void enqueued(int count) {
		this.enqueued.add(count);
	}

	/**
	 * Count a message given to a handler.
	 */
	public void processed() {
		this.processed.increment();
	}

	/**
	 * Count a failed queue operation.
	 */
	public void failed() {
		this.failures.increment();
	}

	/**
	 * Return the current values.
	 * @return the counts
	 */
	public QueueCounts counts() {
		return new QueueCounts(this.enqueued.get(), this.claimed.get(), this.skipped.get(), this.processed.get(),
				this.committed.get(), this.handedOn.get(), this.banished.get(), this.released.get(),
				this.recovered.get(), this.failures.get());
	}

}
