package dev.butler.queue;

/**
 * A service resource attached to directory queues; {@code /actuator/butler} and the
 * {@code butler.queue.*} meters describe it.
 */
public interface QueueEndpoint {

	/**
	 * Return what the service calls the queue, e.g. {@code queue-in}.
	 * @return the name
	 */
	String queueName();

	/**
	 * Return the counters, cheaply: without listing the queue.
	 * @return the counters
	 */
	QueueCounts counts();

	/**
	 * Describe the queue as the service uses it now; counts the messages waiting.
	 * @return the snapshot
	 */
	QueueSnapshot describe();

}
