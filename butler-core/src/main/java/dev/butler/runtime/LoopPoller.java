package dev.butler.runtime;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import org.zeromq.ZMQ;

/**
 * Polls the control socket, the wake-up pipe and the channels of a service loop.
 * <p>
 * {@link ZMQ.Poller} registers every item with its selector again and asks the selector on each
 * poll. This poller registers each socket's signalling channel once and asks the sockets first
 * ({@link ZMQ.Socket#getEvents()}): while messages flow, a poll is a few event checks without a
 * system call, and it waits on the selector only when nothing is ready. A change of the events a
 * channel waits for, e.g. output while a producer is blocked, only changes what is asked.
 */
final class LoopPoller implements AutoCloseable {

	private static final long SIGNAL_BACK_OFF_NANOS = 20_000;

	private final Selector selector;

	private final ZMQ.Socket control;

	private final LoopWakeup wakeup;

	private final SelectionKey wakeupKey;

	private final Collection<ZmqChannel> channels;

	private final List<ZmqChannel> polled = new ArrayList<>();

	private boolean controlReady;

	/** Consecutive polls woken by a signal that JeroMQ did not count yet. */
	private int unheededSignals;

	/**
	 * Create a poller.
	 * @param control the ICCP control socket
	 * @param wakeup the loop's wake-up pipe
	 * @param channels the service's channels, a live view: channels added later are polled too
	 */
	LoopPoller(ZMQ.Socket control, LoopWakeup wakeup, Collection<ZmqChannel> channels) throws IOException {
		this.selector = Selector.open();
		this.control = control;
		this.wakeup = wakeup;
		this.channels = channels;
		try {
			control.getFD().register(this.selector, SelectionKey.OP_READ);
			this.wakeupKey = wakeup.selectable().register(this.selector, SelectionKey.OP_READ);
		}
		catch (IOException | RuntimeException ex) {
			this.selector.close();
			throw ex;
		}
	}

	/**
	 * Find the sockets that are ready, waiting up to {@code timeoutMillis} if none is. A wake-up
	 * ends the wait early.
	 * @param timeoutMillis how long to wait, 0 to return at once
	 */
	void poll(long timeoutMillis) throws IOException {
		if (this.polled.size() != this.channels.size()) {
			this.polled.clear();
			this.polled.addAll(this.channels);
		}
		if (scan() || timeoutMillis == 0) {
			return;
		}
		this.selector.select(timeoutMillis);
		boolean signalled = takeSelected();
		if (scan() || !signalled) {
			this.unheededSignals = 0;
			return;
		}
		this.selector.selectNow();
		if (takeSelected()) {
			backOff();
		}
		else {
			this.unheededSignals = 0;
		}
	}

	/**
	 * Clear the selected keys, draining the wake-up pipe if it is among them.
	 * @return whether a socket's signalling channel was selected
	 */
	private boolean takeSelected() {
		Set<SelectionKey> selected = this.selector.selectedKeys();
		if (selected.remove(this.wakeupKey)) {
			this.wakeup.drain();
		}
		boolean signalled = !selected.isEmpty();
		selected.clear();
		return signalled;
	}

	/**
	 * Let a socket's I/O thread finish signalling: its signalling channel is still readable although
	 * the socket has nothing for the loop. JeroMQ writes a signal before it counts it, and
	 * {@link ZMQ.Socket#getEvents()} consumes only counted signals: a loop woken in between would
	 * spin until the signalling thread runs again, which on a busy machine may take a scheduling
	 * quantum.
	 */
	private void backOff() {
		if (this.unheededSignals++ == 0) {
			Thread.yield();
		}
		else {
			LockSupport.parkNanos(SIGNAL_BACK_OFF_NANOS);
		}
	}

	/**
	 * Return whether the control socket has input.
	 * @return whether a control message is waiting
	 */
	boolean controlReady() {
		return this.controlReady;
	}

	/**
	 * Return the channels polled, in creation order; {@link ZmqChannel#isReady} tells which are
	 * ready.
	 * @return the channels
	 */
	List<ZmqChannel> channels() {
		return this.polled;
	}

	private boolean scan() throws IOException {
		this.controlReady = readyEvents(this.control.getEvents(), ZMQ.Poller.POLLIN) != 0;
		boolean ready = this.controlReady;
		for (int i = 0; i < this.polled.size(); i++) {
			ready |= this.polled.get(i).poll(this.selector);
		}
		return ready;
	}

	/**
	 * Return the events of {@code wanted} that {@code events}, a result of
	 * {@link ZMQ.Socket#getEvents()}, reports ready. An error result (the context is terminated)
	 * reports all, so that the next socket operation raises the error instead of the loop waiting
	 * for ever.
	 */
	static int readyEvents(int events, int wanted) {
		return (events < 0) ? wanted : events & wanted;
	}

	@Override
	public void close() throws IOException {
		this.selector.close();
	}

}
