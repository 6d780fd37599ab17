package dev.butler.queue;

/**
 * Counters of a queue consumer or producer at one moment.
 *
 * @param enqueued messages written into the queue
 * @param claimed messages taken from {@code incoming/}
 * @param skipped messages another consumer claimed first
 * @param processed messages given to a handler, retries included
 * @param committed messages done with and deleted
 * @param handedOn messages moved on to the next queue
 * @param banished messages moved to {@code errors/}
 * @param released messages put back into {@code incoming/} by a consumer that stopped or failed to
 * dispose of them
 * @param recovered messages put back into {@code incoming/} that a consumer left behind in
 * {@code pending/} when its process ended
 * @param failures operations on the queue that failed, e.g. for a full disk
 */
public record QueueCounts(long enqueued, long claimed, long skipped, long processed, long committed, long handedOn,
		long banished, long released, long recovered, long failures) {

}
