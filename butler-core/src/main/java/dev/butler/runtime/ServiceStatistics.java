package dev.butler.runtime;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.butler.service.Counter;

/**
 * Message and error counters of one service, kept across restarts so that they only grow.
 */
public final class ServiceStatistics {

	private final Map<String, ChannelCounters> channels = new ConcurrentHashMap<>();

	private final Counter errors = new Counter();

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
	 * Count a failure.
	 */
	public void recordError() {
		this.errors.increment();
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
