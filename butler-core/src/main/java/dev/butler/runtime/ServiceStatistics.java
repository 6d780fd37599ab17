package dev.butler.runtime;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.butler.service.Counter;

/**
 * Message and error counters of one service, kept across restarts so that they only grow.
 */
public final class ServiceStatistics {

	/** Failures kept with their details. */
	public static final int RECENT_ERRORS = 10;

	private final Map<String, ChannelCounters> channels = new ConcurrentHashMap<>();

	private final Counter errors = new Counter();

	private final Deque<RecordedError> recentErrors = new ArrayDeque<>();

	/**
	 * Return the counters of a channel, creating them on first use.
	 * @param channel the channel name
	 * @return the counters
	 */
	public ChannelCounters channel(String channel) {
		return this.channels.computeIfAbsent(channel, (name) -> new ChannelCounters());
	}

	/**
	 * Return the counters of every channel the service has had, by channel name.
	 * @return the channel counters
	 */
	public Map<String, ChannelCounters> channels() {
		return Collections.unmodifiableMap(this.channels);
	}

	/**
	 * Return the messages received on all channels.
	 * @return the total received
	 */
	public long messagesReceived() {
		return this.channels.values().stream().mapToLong(ChannelCounters::received).sum();
	}

	/**
	 * Return the messages sent on all channels.
	 * @return the total sent
	 */
	public long messagesSent() {
		return this.channels.values().stream().mapToLong(ChannelCounters::sent).sum();
	}

	/**
	 * Return the number of failures: failed warm-ups and aborted runs.
	 * @return the number of errors
	 */
	public long errors() {
		return this.errors.get();
	}

	/**
	 * Count a failure and keep what it was among the {@value #RECENT_ERRORS} most recent ones.
	 * @param error the failure
	 */
	public void recordError(RecordedError error) {
		this.errors.increment();
		synchronized (this.recentErrors) {
			if (this.recentErrors.size() == RECENT_ERRORS) {
				this.recentErrors.removeFirst();
			}
			this.recentErrors.addLast(error);
		}
	}

	/**
	 * Return the most recent failures that were described, oldest first.
	 * @return up to {@value #RECENT_ERRORS} failures
	 */
	public List<RecordedError> recentErrors() {
		synchronized (this.recentErrors) {
			return List.copyOf(this.recentErrors);
		}
	}

	/**
	 * One failure of a service.
	 *
	 * @param at when it happened
	 * @param phase what the service was doing, e.g. {@code warm-up} or {@code run}
	 * @param details what went wrong, first line first
	 */
	public record RecordedError(Instant at, String phase, List<String> details) {

		public RecordedError {
			details = List.copyOf(details);
		}

	}

	/**
	 * Messages moved through one channel.
	 */
	public static final class ChannelCounters {

		private final Counter received = new Counter();

		private final Counter sent = new Counter();

		/**
		 * Return the number of messages received.
		 * @return messages received
		 */
		public long received() {
			return this.received.get();
		}

		/**
		 * Return the number of messages sent.
		 * @return messages sent
		 */
		public long sent() {
			return this.sent.get();
		}

		void recordReceived() {
			this.received.increment();
		}

		void recordSent() {
			this.sent.increment();
		}

	}

}
