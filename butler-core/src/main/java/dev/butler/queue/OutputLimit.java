package dev.butler.queue;

/**
 * Back-pressure on a queue's producer: whether the queue holds fewer messages than a limit, without
 * listing its {@code incoming/} for every message. After a count of {@code n}, the next
 * {@code limit - n} messages pass without listing; only then is the directory counted again.
 */
public final class OutputLimit {

	private final DirectoryQueue queue;

	private final long limit;

	private long estimate = -1;

	/**
	 * Create a limit on a queue.
	 * @param queue the queue written to
	 * @param limit the number of waiting messages at which its producer must pause
	 */
	public OutputLimit(DirectoryQueue queue, long limit) {
		this.queue = queue;
		this.limit = limit;
	}

	/**
	 * Whether another message may be added now; counts the queue only when the estimate reached the
	 * limit.
	 * @return {@code true} if the queue is below its limit
	 * @throws QueueException if the queue cannot be counted
	 */
	public boolean hasRoom() throws QueueException {
		if (this.estimate < 0 || this.estimate >= this.limit) {
			this.estimate = this.queue.countIncoming();
		}
		return this.estimate < this.limit;
	}

	/**
	 * Record messages added to the queue.
	 * @param count how many
	 */
	public void added(int count) {
		this.estimate += count;
	}

	/**
	 * Return the limit.
	 * @return the number of waiting messages at which the producer pauses
	 */
	public long limit() {
		return this.limit;
	}

}
