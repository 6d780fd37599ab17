package dev.butler.zeromq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;


/**
 * Polls JeroMQ sockets. {@link org.zeromq.ZMQ.Poller} registers every item with its selector again
 * on each poll; this poller registers each socket's signalling channel once and asks the sockets
 * first ({@code getEvents()}): while messages flow, a poll is a few event checks without a system
 * call, and it waits on the selector only when nothing is ready. A pipe of its own wakes it.
 */
final class JeroMqPoller implements ZmqPoller {

	private static final long SIGNAL_BACK_OFF_NANOS = 20_000;

	private final Selector selector;

	private final Pipe wakeup;

	private final SelectionKey wakeupKey;

	private final ByteBuffer signal = ByteBuffer.allocate(1);

	private final ByteBuffer drain = ByteBuffer.allocate(64);

	private final List<SocketItem> items = new ArrayList<>();

	/** Consecutive polls woken by a signal that JeroMQ did not count yet. */
	private int unheededSignals;

	JeroMqPoller() {
		try {
			this.selector = Selector.open();
			this.wakeup = Pipe.open();
			this.wakeup.source().configureBlocking(false);
			this.wakeup.sink().configureBlocking(false);
			this.wakeupKey = this.wakeup.source().register(this.selector, SelectionKey.OP_READ);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open a poller", ex);
		}
	}

	@Override
	public Item register(ZmqSocket socket, int events) {
		SocketItem item = new SocketItem(((JeroMqSocket) socket).socket());
		item.setEvents(events);
		this.items.add(item);
		return item;
	}

	@Override
	public Item register(ZmqMonitor monitor) {
		SocketItem item = new SocketItem(((JeroMqMonitor) monitor).reader());
		item.setEvents(POLLIN);
		this.items.add(item);
		return item;
	}

	@Override
	public int poll(long timeoutMillis) {
		try {
			int ready = scan();
			if (ready > 0 || timeoutMillis == 0) {
				return ready;
			}
			if (timeoutMillis < 0) {
				this.selector.select();
			}
			else {
				this.selector.select(timeoutMillis);
			}
			boolean signalled = takeSelected();
			ready = scan();
			if (ready > 0 || !signalled) {
				this.unheededSignals = 0;
				return ready;
			}
			this.selector.selectNow();
			if (takeSelected()) {
				backOff();
			}
			else {
				this.unheededSignals = 0;
			}
			return 0;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot poll", ex);
		}
	}

	@Override
	public void wake() {
		synchronized (this.signal) {
			try {
				this.signal.clear();
				this.wakeup.sink().write(this.signal);
			}
			catch (IOException ex) {
				// closed: nobody is left to wake
			}
		}
	}

	/**
	 * Clear the selected keys, draining the wake-up pipe if it is among them.
	 * @return whether a socket's signalling channel was selected
	 */
	private boolean takeSelected() throws IOException {
		Set<SelectionKey> selected = this.selector.selectedKeys();
		if (selected.remove(this.wakeupKey)) {
			while (this.wakeup.source().read(this.drain.clear()) > 0) {
				// keep reading
			}
		}
		boolean signalled = !selected.isEmpty();
		selected.clear();
		return signalled;
	}

	/**
	 * Let a socket's I/O thread finish signalling: its signalling channel is still readable although
	 * the socket has nothing for the poller. JeroMQ writes a signal before it counts it, and
	 * {@code getEvents()} consumes only counted signals: a poller woken in between would spin until
	 * the signalling thread runs again, which on a busy machine may take a scheduling quantum.
	 */
	private void backOff() {
		if (this.unheededSignals++ == 0) {
			Thread.yield();
		}
		else {
			LockSupport.parkNanos(SIGNAL_BACK_OFF_NANOS);
		}
	}

	private int scan() throws ClosedChannelException {
		int ready = 0;
		for (int i = 0; i < this.items.size(); i++) {
			if (this.items.get(i).scan(this.selector) != 0) {
				ready++;
			}
		}
		return ready;
	}

	@Override
	public void close() {
		try {
			this.selector.close();
			this.wakeup.sink().close();
			this.wakeup.source().close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

	/**
	 * A socket, its signalling channel's key once it is polled for anything, and what was ready.
	 */
	private final class SocketItem implements Item {

		private final org.zeromq.ZMQ.Socket socket;

		private @Nullable SelectionKey key;

		private int events;

		private int readyEvents;

		SocketItem(org.zeromq.ZMQ.Socket socket) {
			this.socket = socket;
		}

		@Override
		public void setEvents(int events) {
			this.events = events;
		}

		@Override
		public int readyEvents() {
			return this.readyEvents;
		}

		@Override
		public void cancel() {
			JeroMqPoller.this.items.remove(this);
			if (this.key != null) {
				this.key.cancel();
			}
			this.readyEvents = 0;
		}

		int scan(Selector selector) throws ClosedChannelException {
			int interest = (this.events != 0) ? SelectionKey.OP_READ : 0;
			if (this.key == null) {
				if (interest != 0) {
					this.key = this.socket.getFD().register(selector, interest);
				}
			}
			else if (this.key.interestOps() != interest) {
				this.key.interestOps(interest);
			}
			if (this.events == 0) {
				this.readyEvents = 0;
				return 0;
			}
			int socketEvents = this.socket.getEvents();
			this.readyEvents = ((socketEvents < 0) ? (POLLIN | POLLOUT) : socketEvents) & this.events;
			return this.readyEvents;
		}

	}

}
