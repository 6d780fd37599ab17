package dev.butler.queue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of a queue consumer or producer, kept over all runs of its service. Written by one
 * thread, readable from any.
 */
public final class QueueStatistics {

	final AtomicLong enqueued = new AtomicLong();

	final AtomicLong claimed = new AtomicLong();

	final AtomicLong skipped = new AtomicLong();

	final AtomicLong processed = new AtomicLong();

	final AtomicLong committed = new AtomicLong();

	final AtomicLong handedOn = new AtomicLong();

	final AtomicLong banished = new AtomicLong();

	final AtomicLong released = new AtomicLong();

	final AtomicLong recovered = new AtomicLong();

	final AtomicLong failures = new AtomicLong();

	/**
	 * Count messages written into a queue.
	 * @param count the number of messages
	 */
	public void enqueued(int count) {
		this.enqueued.addAndGet(count);
	}

	/**
	 * Count a message given to a handler.
	 */
	public void processed() {
		this.processed.incrementAndGet();
	}

	/**
	 * Count a failed queue operation.
	 */
	public void failed() {
		this.failures.incrementAndGet();
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
