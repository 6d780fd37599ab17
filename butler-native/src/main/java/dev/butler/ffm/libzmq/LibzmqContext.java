package dev.butler.ffm.libzmq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqEngine;
import dev.butler.zeromq.ZmqError;
import dev.butler.zeromq.ZmqException;
import dev.butler.zeromq.ZmqPoller;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * A libzmq context ({@code zmq_ctx_new}). It tracks its open sockets: closing it closes them, each
 * with its linger (a socket in use by another thread is closed when that call returns, which
 * {@code zmq_ctx_term} hastens with ETERM), then terminates the context.
 */
final class LibzmqContext implements ZmqContext {

	private final LibzmqEngine engine;

	private final MemorySegment handle;

	private final MemorySegment state;

	private final Arena arena = Arena.ofShared();

	private final Set<LibzmqSocket> sockets = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	/** libzmq's default of ZMQ_MAX_SOCKETS until set. */
	private int maxSockets = 1023;

	LibzmqContext(LibzmqEngine engine, int ioThreads) {
		this.engine = engine;
		this.state = this.arena.allocate(LibZmq.CALL_STATE);
		try {
			this.handle = (MemorySegment) LibZmq.CTX_NEW.invokeExact();
		}
		catch (Throwable ex) {
			this.arena.close();
			throw LibZmq.rethrown(ex);
		}
		if (this.handle.equals(MemorySegment.NULL)) {
			this.arena.close();
			throw new ZmqException(ZmqError.OTHER, "libzmq cannot create a context (zmq_ctx_new)");
		}
		try {
			set(LibZmq.ZMQ_IO_THREADS, ioThreads, "the I/O threads");
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	@Override
	public ZmqSocket socket(ZmqSocketType type) {
		LibzmqSocket created = new LibzmqSocket(this, type, rawSocket(type));
		this.sockets.add(created);
		if (this.closed) {
			created.close();
			checkOpen();
		}
		created.setLinger(0);
		return created;
	}

	/**
	 * Create a libzmq socket that the caller owns and closes, e.g. a monitor's reader.
	 * @param type the socket type
	 * @return the socket's pointer
	 */
	synchronized MemorySegment rawSocket(ZmqSocketType type) {
		checkOpen();
		MemorySegment socket;
		try {
			socket = (MemorySegment) LibZmq.SOCKET.invokeExact(this.state, this.handle, type.code());
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		if (socket.equals(MemorySegment.NULL)) {
			throw LibZmq.failure(LibZmq.errno(this.state), "Cannot create a " + type + " socket");
		}
		return socket;
	}

	@Override
	public ZmqPoller poller() {
		checkOpen();
		return new LibzmqPoller(this);
	}

	@Override
	public synchronized void setMaxSockets(int maxSockets) {
		checkOpen();
		set(LibZmq.ZMQ_MAX_SOCKETS, maxSockets, "the most sockets");
		this.maxSockets = maxSockets;
	}

	@Override
	public synchronized int maxSockets() {
		return this.maxSockets;
	}

	private void set(int option, int value, String what) {
		int result;
		try {
			result = (int) LibZmq.CTX_SET.invokeExact(this.state, this.handle, option, value);
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		if (result != 0) {
			throw LibZmq.failure(LibZmq.errno(this.state), "Cannot set " + what + " of the context to " + value);
		}
	}

	@Override
	public ZmqEngine engine() {
		return this.engine;
	}

	boolean isClosed() {
		return this.closed;
	}

	void forget(LibzmqSocket socket) {
		this.sockets.remove(socket);
	}

	private void checkOpen() {
		if (this.closed) {
			throw new ZmqException(ZmqError.TERMINATED, "The ZeroMQ context is closed");
		}
	}

	@Override
	public void close() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		List<LibzmqSocket> open = new ArrayList<>(this.sockets);
		for (LibzmqSocket socket : open) {
			socket.close();
		}
		try {
			int result;
			do {
				result = (int) LibZmq.CTX_TERM.invokeExact(this.state, this.handle);
			}
			while (result != 0 && LibZmq.errno(this.state) == LibZmq.EINTR);
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		finally {
			this.arena.close();
		}
	}

}
