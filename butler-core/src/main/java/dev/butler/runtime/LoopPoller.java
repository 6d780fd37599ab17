package dev.butler.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import dev.butler.zeromq.ZmqPoller;
import dev.butler.zeromq.ZmqSocket;

/**
 * Polls the control socket and the channels of a service loop with the loop's {@link ZmqPoller};
 * a channel created while the service runs is polled from the next poll on, for the events its
 * handlers wait for then.
 */
final class LoopPoller {

	private final ZmqPoller poller;

	private final ZmqPoller.Item control;

	private final Collection<ZmqChannel> channels;

	private final List<ZmqChannel> polled = new ArrayList<>();

	/**
	 * Create a poller.
	 * @param poller the loop's poller, which the loop's {@link RunContext#poller() context} wakes
	 * @param control the ICCP control socket
	 * @param channels the service's channels, a live view: channels added later are polled too
	 */
	LoopPoller(ZmqPoller poller, ZmqSocket control, Collection<ZmqChannel> channels) {
		this.poller = poller;
		this.control = poller.register(control, ZmqPoller.POLLIN);
		this.channels = channels;
	}

	/**
	 * Find the sockets that are ready, waiting up to {@code timeoutMillis} if none is. A wake-up
	 * ends the wait early.
	 * @param timeoutMillis how long to wait, 0 to return at once
	 */
	void poll(long timeoutMillis) {
		if (this.polled.size() != this.channels.size()) {
			for (ZmqChannel channel : this.channels) {
				if (!this.polled.contains(channel)) {
					channel.register(this.poller);
					this.polled.add(channel);
				}
			}
		}
		for (int i = 0; i < this.polled.size(); i++) {
			this.polled.get(i).updateEvents();
		}
		this.poller.poll(timeoutMillis);
	}

	/**
	 * Return whether the control socket has input.
	 * @return whether a control message is waiting
	 */
	boolean controlReady() {
		return (this.control.readyEvents() & ZmqPoller.POLLIN) != 0;
	}

	/**
	 * Return the channels polled, in creation order; {@link ZmqChannel#isReady} tells which are
	 * ready.
	 * @return the channels
	 */
	List<ZmqChannel> channels() {
		return this.polled;
	}

}
