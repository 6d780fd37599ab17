package dev.butler.ffm.libzmq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import dev.butler.zeromq.ZmqError;
import dev.butler.zeromq.ZmqException;
import dev.butler.zeromq.ZmqMonitor;
import dev.butler.zeromq.ZmqPoller;
import dev.butler.zeromq.ZmqSocket;

/**
 * Polls libzmq sockets with {@code zmq_poll}, over a native array of {@code zmq_pollitem_t} that
 * holds the sockets polled for something, the monitors polled and those of sockets that emulate
 * peer-gone messages, and an {@code eventfd(2)} that {@link #wake()} writes to. The sockets are counted in for the
 * duration of a poll, so that none is freed while libzmq polls it.
 */
final class LibzmqPoller implements ZmqPoller {

	private static final int EFD_NONBLOCK = 04000;

	private static final int EFD_CLOEXEC = 02000000;

	private final Arena arena = Arena.ofShared();

	private final MemorySegment state;

	/** The 8 bytes that {@link #wake()} writes: 1, read-only once set. */
	private final MemorySegment one;

	private final MemorySegment drain;

	private final int wakeFd;

	private final List<SocketItem> items = new ArrayList<>();

	private MemorySegment pollItems;

	private int capacity;

	/** Guards {@link #wakeFd} against its close; wakes are rare. */
	private final Object wakeLock = new Object();

	private volatile boolean closed;

	LibzmqPoller(LibzmqContext context) {
		this.state = this.arena.allocate(LibZmq.CALL_STATE);
		this.one = this.arena.allocate(ValueLayout.JAVA_LONG);
		this.one.set(ValueLayout.JAVA_LONG, 0, 1L);
		this.drain = this.arena.allocate(ValueLayout.JAVA_LONG);
		this.capacity = 8;
		this.pollItems = this.arena.allocate(LibZmq.POLL_ITEM, this.capacity);
		int fd;
		try {
			fd = (int) LibZmq.EVENTFD.invokeExact(this.state, 0, EFD_NONBLOCK | EFD_CLOEXEC);
		}
		catch (Throwable ex) {
			this.arena.close();
			throw LibZmq.rethrown(ex);
		}
		if (fd < 0) {
			int errno = LibZmq.errno(this.state);
			this.arena.close();
			throw new ZmqException(ZmqError.OTHER, "Cannot create the poller's eventfd: errno " + errno);
		}
		this.wakeFd = fd;
	}

	@Override
	public Item register(ZmqSocket socket, int events) {
		if (!(socket instanceof LibzmqSocket libzmqSocket)) {
			throw new IllegalArgumentException("A libzmq poller polls libzmq sockets only, not " + socket);
		}
		SocketItem item = new SocketItem(libzmqSocket, false);
		item.setEvents(events);
		this.items.add(item);
		return item;
	}

	@Override
	public Item register(ZmqMonitor monitor) {
		if (!(monitor instanceof LibzmqMonitor libzmqMonitor)) {
			throw new IllegalArgumentException("A libzmq poller polls libzmq monitors only, not " + monitor);
		}
		SocketItem item = new SocketItem(libzmqMonitor.socket(), true);
		item.setEvents(POLLIN);
		this.items.add(item);
		return item;
	}

	@Override
	public int poll(long timeoutMillis) {
		checkOpen();
		List<SocketItem> items = this.items;
		int entered = 0;
		try {
			for (; entered < items.size(); entered++) {
				items.get(entered).socket.enter();
			}
			return poll(items, timeoutMillis);
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		finally {
			for (int i = 0; i < entered; i++) {
				items.get(i).socket.exit();
			}
		}
	}

	private int poll(List<SocketItem> items, long timeoutMillis) throws Throwable {
		ensureCapacity(2 * items.size() + 1);
		MemorySegment array = this.pollItems;
		int count = 0;
		boolean waiting = false;
		for (SocketItem item : items) {
			item.readyEvents = 0;
			item.index = -1;
			item.readerIndex = -1;
			if (item.events == 0) {
				continue;
			}
			if (item.monitor) {
				MemorySegment reader = item.socket.monitorReader();
				if (reader != null) {
					item.readerIndex = count;
					LibzmqSocket.pollItem(array, count++, reader, LibZmq.ZMQ_POLLIN);
					waiting |= item.socket.userEventWaiting();
				}
				continue;
			}
			item.index = count;
			LibzmqSocket.pollItem(array, count++, item.socket.handle(), item.events);
			MemorySegment reader = ((item.events & POLLIN) != 0) ? item.socket.goneReader() : null;
			if (reader != null) {
				item.readerIndex = count;
				LibzmqSocket.pollItem(array, count++, reader, LibZmq.ZMQ_POLLIN);
				waiting |= item.socket.syntheticWaiting();
			}
		}
		int wakeIndex = count;
		LibzmqSocket.pollItem(array, count++, MemorySegment.NULL, LibZmq.ZMQ_POLLIN);
		array.set(ValueLayout.JAVA_INT, wakeIndex * LibZmq.POLL_ITEM.byteSize() + LibZmq.POLL_ITEM_FD, this.wakeFd);
		int result = (int) LibZmq.POLL.invokeExact(this.state, array, count, waiting ? 0L : timeoutMillis);
		if (result < 0) {
			int errno = LibZmq.errno(this.state);
			if (errno == LibZmq.EINTR) {
				return 0;
			}
			throw LibZmq.failure(errno, "Cannot poll");
		}
		if (revents(array, wakeIndex) != 0) {
			long ignored = (long) LibZmq.READ.invokeExact(this.wakeFd, this.drain, 8L);
		}
		int ready = 0;
		for (SocketItem item : items) {
			if (item.monitor) {
				if (item.readerIndex >= 0 && (waiting || revents(array, item.readerIndex) != 0)
						&& item.socket.takeEventsAndUserEventWaiting()) {
					item.readyEvents = POLLIN;
					ready++;
				}
				continue;
			}
			if (item.index < 0) {
				continue;
			}
			int events = revents(array, item.index) & item.events;
			if (item.readerIndex >= 0 && (waiting || revents(array, item.readerIndex) != 0)
					&& item.socket.takeEventsAndSyntheticWaiting()) {
				events |= POLLIN;
			}
			item.readyEvents = events;
			if (events != 0) {
				ready++;
			}
		}
		return ready;
	}

	private static int revents(MemorySegment items, int index) {
		return items.get(ValueLayout.JAVA_SHORT, index * LibZmq.POLL_ITEM.byteSize() + LibZmq.POLL_ITEM_REVENTS)
				& (POLLIN | POLLOUT);
	}

	private void ensureCapacity(int needed) {
		if (needed > this.capacity) {
			this.capacity = Math.max(needed, 2 * this.capacity);
			this.pollItems = this.arena.allocate(LibZmq.POLL_ITEM, this.capacity);
		}
	}

	@Override
	public void wake() {
		synchronized (this.wakeLock) {
			if (this.closed) {
				return;
			}
			try {
				// EAGAIN (the counter is full) means a wake is pending anyway.
				long ignored = (long) LibZmq.WRITE.invokeExact(this.wakeFd, this.one, 8L);
			}
			catch (Throwable ex) {
				throw LibZmq.rethrown(ex);
			}
		}
	}

	private void checkOpen() {
		if (this.closed) {
			throw new ZmqException(ZmqError.INVALID, "The poller is closed");
		}
	}

	@Override
	public void close() {
		synchronized (this.wakeLock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			try {
				int ignored = (int) LibZmq.CLOSE_FD.invokeExact(this.wakeFd);
			}
			catch (Throwable ex) {
				throw LibZmq.rethrown(ex);
			}
			finally {
				this.items.clear();
				this.arena.close();
			}
		}
	}

	/**
	 * A socket or the monitor of one in the poller, where it sits in the native array during a poll,
	 * and what was ready.
	 */
	private final class SocketItem implements Item {

		final LibzmqSocket socket;

		/** Whether the item polls the socket's monitor rather than the socket. */
		final boolean monitor;

		int events;

		int readyEvents;

		int index = -1;

		int readerIndex = -1;

		SocketItem(LibzmqSocket socket, boolean monitor) {
			this.socket = socket;
			this.monitor = monitor;
		}

		@Override
		public void setEvents(int events) {
			this.events = events & (POLLIN | POLLOUT);
		}

		@Override
		public int readyEvents() {
			return this.readyEvents;
		}

		@Override
		public void cancel() {
			LibzmqPoller.this.items.remove(this);
			this.readyEvents = 0;
		}

	}

	@Override
	public String toString() {
		return "libzmq poller of " + this.items.size() + " sockets";
	}

}
