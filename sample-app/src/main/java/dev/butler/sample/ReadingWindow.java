package dev.butler.sample;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The last readings received, up to a capacity, and statistics over them. Counts readings lost
 * between two received ones from gaps in their sequence numbers. Not thread-safe: the aggregator
 * uses it from its own thread only.
 */
final class ReadingWindow {

	private final Deque<Reading> readings = new ArrayDeque<>();

	private int capacity;

	private long received;

	private long missed;

	private long rejected;

	private Reading last;

	ReadingWindow(int capacity) {
		resize(capacity);
	}

	/**
	 * Add a reading, dropping the oldest one if the window is full.
	 * @param reading the reading
	 */
	void add(Reading reading) {
		if (this.last != null && reading.sequence() > this.last.sequence() + 1) {
			this.missed += reading.sequence() - this.last.sequence() - 1;
		}
		this.last = reading;
		this.received++;
		this.readings.addLast(reading);
		trim();
	}

	/**
	 * Count a message that was not a well-formed reading.
	 */
	void reject() {
		this.rejected++;
	}

	/**
	 * Change the capacity, dropping the oldest readings that no longer fit.
	 * @param capacity the new capacity
	 */
	void resize(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("Window capacity must be positive, got " + capacity);
		}
		this.capacity = capacity;
		trim();
	}

	/**
	 * Return the capacity.
	 * @return the capacity
	 */
	int capacity() {
		return this.capacity;
	}

	/**
	 * Compute the statistics of the readings in the window.
	 * @return the statistics
	 */
	Statistics statistics() {
		if (this.readings.isEmpty()) {
			return new Statistics(this.capacity, 0, this.received, this.missed, this.rejected, null, null, null,
					this.last);
		}
		double min = Double.POSITIVE_INFINITY;
		double max = Double.NEGATIVE_INFINITY;
		double sum = 0;
		for (Reading reading : this.readings) {
			min = Math.min(min, reading.value());
			max = Math.max(max, reading.value());
			sum += reading.value();
		}
		return new Statistics(this.capacity, this.readings.size(), this.received, this.missed, this.rejected, min,
				max, sum / this.readings.size(), this.last);
	}

	private void trim() {
		while (this.readings.size() > this.capacity) {
			this.readings.removeFirst();
		}
	}

	/**
	 * Statistics of the readings in a window.
	 *
	 * @param window the capacity of the window
	 * @param count the number of readings in the window
	 * @param received the number of readings received in total
	 * @param missed the number of readings lost, from gaps in the sequence numbers
	 * @param rejected the number of messages that were not well-formed readings
	 * @param min the smallest value in the window, {@code null} if empty
	 * @param max the largest value in the window, {@code null} if empty
	 * @param mean the mean of the values in the window, {@code null} if empty
	 * @param last the last reading received, {@code null} if none
	 */
	record Statistics(int window, int count, long received, long missed, long rejected, Double min, Double max,
			Double mean, Reading last) {

		/**
		 * Return the statistics as one line of JSON.
		 * @return the JSON text
		 */
		String toJson() {
			String lastJson = (this.last != null)
					? String.format(Locale.ROOT, "{\"sequence\":%d,\"timestamp\":\"%s\",\"value\":%s}",
							this.last.sequence(), this.last.timestamp(), this.last.value())
					: "null";
			return String.format(Locale.ROOT,
					"{\"window\":%d,\"count\":%d,\"received\":%d,\"missed\":%d,\"rejected\":%d,"
							+ "\"min\":%s,\"max\":%s,\"mean\":%s,\"last\":%s}",
					this.window, this.count, this.received, this.missed, this.rejected, this.min, this.max, this.mean,
					lastJson);
		}

	}

}
