package dev.butler.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.butler.protocol.iccp.IccpCodec;
import dev.butler.protocol.iccp.IccpProtocolException;
import dev.butler.runtime.ButlerThreads;
import dev.butler.runtime.EndpointAddressException;
import dev.butler.runtime.IpcPolicy;
import dev.butler.runtime.LoopWakeup;
import dev.butler.runtime.ZmqSupport;

/**
 * The ICCP controller: binds one PAIR socket per controlled component and drives it with real ICCP
 * messages. All sockets belong to the controller's own thread; callers on other threads get futures.
 */
public final class ButlerController implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ButlerController.class);

	private static final long COMMAND_TIMEOUT_SECONDS = 10;

	/** How long the controller waits when nothing signals; every command wakes it at once. */
	private static final long IDLE_POLL_MILLIS = 1000;

	private static final long SIGNAL_BACK_OFF_NANOS = 20_000;

	private static final int PURGE_MIN = 64;

	private final ZContext zmq;

	private final long maxMessageSize;

	private final IpcPolicy ipc;

	private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();

	private final LoopWakeup wakeup = new LoopWakeup();

	/** The open connections and their keys in {@link #selector}; controller thread only. */
	private final Map<ControlConnection, List<SelectionKey>> connections = new LinkedHashMap<>();

	private final Selector selector;

	private final Thread thread;

	private volatile boolean running = true;

	/** Consecutive polls woken by a signal that JeroMQ did not count yet; see {@link #backOff()}. */
	private int unheededSignals;

	/** The futures {@link #orTimeout} times, earliest deadline first; controller thread only. */
	private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>(Comparator.comparingLong(Deadline::at));

	/** How many deadlines may wait before those of completed futures are dropped. */
	private int purgeAt = PURGE_MIN;

	/**
	 * Create a controller whose control sockets accept frames of up to
	 * {@link ZmqSupport#DEFAULT_MAX_MESSAGE_SIZE}, that refuses {@code ipc://} addresses, and start its
	 * thread.
	 * @param zmq the ZeroMQ context for the control sockets
	 * @param threads where the controller's thread comes from
	 */
	public ButlerController(ZContext zmq, ButlerThreads threads) {
		this(zmq, threads, ZmqSupport.DEFAULT_MAX_MESSAGE_SIZE, IpcPolicy.REJECT);
	}

	/**
	 * Create a controller and start its thread, {@code butler-controller}, which keeps the JVM alive
	 * until the controller is closed.
	 * @param zmq the ZeroMQ context for the control sockets
	 * @param threads where the controller's thread comes from
	 * @param maxMessageSize the largest frame, in bytes, a control socket accepts from a component
	 * over tcp or ipc, zero or less for no limit; ZeroMQ drops the connection of a component that
	 * sends a larger one, and the controller logs a warning when a running component's connection
	 * drops
	 * @param ipc what to do with {@code ipc://} control addresses
	 */
	public ButlerController(ZContext zmq, ButlerThreads threads, long maxMessageSize, IpcPolicy ipc) {
		this.zmq = zmq;
		this.maxMessageSize = maxMessageSize;
		this.ipc = ipc;
		try {
			this.selector = Selector.open();
			this.wakeup.selectable().register(this.selector, SelectionKey.OP_READ);
		}
		catch (IOException ex) {
			this.wakeup.close();
			throw new UncheckedIOException("Cannot open the selector of the Butler controller", ex);
		}
		this.thread = threads.start("butler-controller", false, this::run);
	}

	/**
	 * Bind a control socket for a component at {@code address}.
	 * @param component name of the component, for messages
	 * @param address the address to bind, e.g. {@code inproc://…} or {@code tcp://127.0.0.1:*}
	 * @param listener told of messages the component sends on its own
	 * @return the connection
	 * @throws EndpointAddressException if the address cannot be bound
	 * @throws dev.butler.runtime.UnsupportedTransportException if the {@link IpcPolicy} refuses the
	 * address
	 */
	ControlConnection open(String component, String address, ControlListener listener) {
		this.ipc.checkSocket(address, "Control channel of '" + component + "' cannot bind");
		return call(() -> {
			ZMQ.Socket socket = bind(component, address);
			String bound = socket.getLastEndpoint();
			ControlConnection connection = new ControlConnection(this, component, (bound != null) ? bound : address,
					listener, this.maxMessageSize);
			attach(connection, socket, watchDrops(socket, address));
			return connection;
		});
	}

	/**
	 * Bind an {@code inproc} control socket for a component without waiting for it: the component may
	 * connect first, as inproc allows. A failure to bind fails the connection's
	 * {@link ControlConnection#ready() ready} future.
	 * @param component name of the component, for messages
	 * @param address the {@code inproc://} address to bind
	 * @param listener told of messages the component sends on its own
	 * @return the connection, bound or about to be
	 * @throws ComponentControlException if the controller is closed
	 */
	ControlConnection openInproc(String component, String address, ControlListener listener) {
		if (!address.startsWith("inproc://")) {
			throw new IllegalArgumentException("Not an inproc address: " + address);
		}
		ControlConnection connection = new ControlConnection(this, component, address, listener, this.maxMessageSize);
		execute(() -> {
			try {
				attach(connection, bind(component, address), null);
			}
			catch (RuntimeException ex) {
				connection.abandon(ex);
			}
		});
		return connection;
	}

	private ZMQ.Socket bind(String component, String address) {
		ZMQ.Socket socket = ZmqSupport.createSocket(this.zmq, SocketType.PAIR);
		try {
			socket.setSndHWM(5);
			socket.setRcvHWM(5);
			socket.setLinger(0);
			ZmqSupport.limitMessageSize(socket, this.maxMessageSize);
			ZmqSupport.bind(socket, address);
			return socket;
		}
		catch (RuntimeException ex) {
			socket.close();
			throw EndpointAddressException.of("Control channel of '" + component + "' cannot bind", address, ex);
		}
	}

	/**
	 * Watch the connections of a control socket, so that a dropped one can be reported: ZeroMQ
	 * refuses a frame over the maximum message size by dropping the connection, silently. inproc
	 * connections neither drop nor have a size limit.
	 */
	private ZMQ.@Nullable Socket watchDrops(ZMQ.Socket socket, String address) {
		if (address.startsWith("inproc:")) {
			return null;
		}
		String monitorAddress = "inproc://butler-control-monitor/" + UUID.randomUUID();
		socket.monitor(monitorAddress, ZMQ.EVENT_DISCONNECTED);
		ZMQ.Socket monitor = ZmqSupport.createSocket(this.zmq, SocketType.PAIR);
		monitor.setLinger(0);
		monitor.connect(monitorAddress);
		return monitor;
	}

	/**
	 * Fail {@code future} with a {@link TimeoutException} unless it completes within {@code timeout},
	 * as {@link CompletableFuture#orTimeout} does, but timed by the controller's thread: a timer
	 * thread woken for every request would compete with the component and the controller for the
	 * CPU. The timeout is completed off the controller's thread, so that what depends on the future
	 * never runs there. Once the controller is closed, the JDK's timer takes over.
	 * @param future the future
	 * @param timeout how long it may take
	 */
	void orTimeout(CompletableFuture<?> future, Duration timeout) {
		Deadline deadline = new Deadline(System.nanoTime() + timeout.toNanos(), future);
		if (isControllerThread()) {
			add(deadline);
			return;
		}
		try {
			execute(() -> add(deadline));
		}
		catch (ComponentControlException ex) {
			deadline.handOver();
		}
	}

	private void add(Deadline deadline) {
		if (!this.running) {
			deadline.handOver();
			return;
		}
		this.deadlines.add(deadline);
		if (this.deadlines.size() > this.purgeAt) {
			this.deadlines.removeIf(Deadline::isDone);
			this.purgeAt = Math.max(PURGE_MIN, 2 * this.deadlines.size());
		}
	}

	/**
	 * Fail the futures whose deadline has passed, and return how long the controller may wait for
	 * the next one.
	 */
	private long expireDeadlines() {
		long now = System.nanoTime();
		Deadline next;
		while ((next = this.deadlines.peek()) != null && (next.isDone() || next.at() - now <= 0)) {
			this.deadlines.poll();
			next.expire();
		}
		if (next == null) {
			return IDLE_POLL_MILLIS;
		}
		return Math.min(IDLE_POLL_MILLIS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(next.at() - now) + 1));
	}

	void execute(Runnable command) {
		if (!this.running) {
			throw new ComponentControlException("The Butler controller is closed");
		}
		this.commands.add(command);
		this.wakeup.wake();
	}

	<T> T call(Supplier<T> command) {
		CompletableFuture<T> result = new CompletableFuture<>();
		execute(() -> {
			try {
				result.complete(command.get());
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		});
		try {
			return result.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			throw new ComponentControlException(
					"The Butler controller did not answer within " + COMMAND_TIMEOUT_SECONDS + " s", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ComponentControlException("Interrupted while waiting for the Butler controller", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new ComponentControlException(ComponentControlException.messageOf(cause), cause);
		}
	}

	/**
	 * Give a connection its bound socket and register the sockets with the selector, each with what
	 * to read when it signals: the connection itself for its control socket, a {@link Drops} for its
	 * monitor. Then read both once: a socket signals new input only once it has been found empty, and
	 * a component that connected to an inproc address before it was bound may have sent already.
	 */
	private void attach(ControlConnection connection, ZMQ.Socket socket, ZMQ.@Nullable Socket monitor) {
		connection.attach(socket, monitor);
		List<SelectionKey> keys = new ArrayList<>(2);
		try {
			keys.add(socket.getFD().register(this.selector, SelectionKey.OP_READ, connection));
			if (monitor != null) {
				keys.add(monitor.getFD().register(this.selector, SelectionKey.OP_READ, new Drops(connection)));
			}
		}
		catch (ClosedChannelException | RuntimeException ex) {
			keys.forEach(SelectionKey::cancel);
			closeSockets(connection);
			throw new ComponentControlException("Cannot watch the control channel of '" + connection.address() + "'", ex);
		}
		this.connections.put(connection, keys);
		receive(connection);
		receiveEvents(connection);
	}

	void closed(ControlConnection connection) {
		List<SelectionKey> keys = this.connections.remove(connection);
		if (keys != null) {
			keys.forEach(SelectionKey::cancel);
		}
		closeSockets(connection);
	}

	private static void closeSockets(ControlConnection connection) {
		ZMQ.Socket socket = connection.socket();
		if (socket != null) {
			socket.close();
		}
		ZMQ.Socket monitor = connection.monitor();
		if (monitor != null) {
			monitor.close();
		}
	}

	boolean isControllerThread() {
		return Thread.currentThread() == this.thread;
	}

	private void run() {
		try {
			while (this.running) {
				this.selector.select(expireDeadlines());
				boolean heeded = false;
				boolean signalled = false;
				for (SelectionKey key : this.selector.selectedKeys()) {
					Object attachment = key.attachment();
					if (attachment instanceof ControlConnection connection) {
						signalled = true;
						heeded |= receive(connection);
					}
					else if (attachment instanceof Drops drops) {
						signalled = true;
						heeded |= receiveEvents(drops.connection());
					}
					else {
						heeded = true;
						this.wakeup.drain();
					}
				}
				this.selector.selectedKeys().clear();
				Runnable command;
				while ((command = this.commands.poll()) != null) {
					command.run();
				}
				if (signalled && !heeded) {
					backOff();
				}
				else {
					this.unheededSignals = 0;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.error("The Butler controller failed", ex);
		}
		finally {
			this.deadlines.forEach(Deadline::handOver);
			this.deadlines.clear();
			for (ControlConnection connection : List.copyOf(this.connections.keySet())) {
				connection.abandon("The Butler controller closed");
				closeSockets(connection);
			}
			this.connections.clear();
			try {
				this.selector.close();
			}
			catch (IOException ex) {
				logger.debug("Cannot close the selector of the Butler controller", ex);
			}
			this.wakeup.close();
		}
	}

	/**
	 * Let a component's thread finish signalling: a socket's signalling channel is readable although
	 * the socket had nothing for the controller. JeroMQ writes a signal before it counts it, and a
	 * socket consumes only counted signals: a controller woken in between would spin until the
	 * signalling thread runs again, which on a busy machine may take a scheduling quantum.
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
	 * Take every message the component sent.
	 * @return whether there was one
	 */
	private boolean receive(ControlConnection connection) {
		ZMQ.Socket socket = connection.socket();
		if (socket == null) {
			return false;
		}
		boolean received = false;
		ZMsg message;
		while ((message = ZMsg.recvMsg(socket, ZMQ.DONTWAIT)) != null) {
			received = true;
			try {
				connection.received(IccpCodec.decode(message));
			}
			catch (IccpProtocolException ex) {
				connection.malformed(ex);
			}
		}
		return received;
	}

	/**
	 * Take every event of the connection's monitor.
	 * @return whether there was one
	 */
	private boolean receiveEvents(ControlConnection connection) {
		ZMQ.Socket monitor = connection.monitor();
		if (monitor == null) {
			return false;
		}
		boolean received = false;
		ZMQ.Event event;
		while ((event = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT)) != null) {
			received = true;
			if (event.getEvent() == ZMQ.EVENT_DISCONNECTED) {
				// what the component sent before it dropped is in the socket already: take it first
				receive(connection);
				connection.dropped(event.getAddress());
			}
		}
		return received;
	}

	/**
	 * What the monitor socket of a connection signals: its dropped connections.
	 */
	private record Drops(ControlConnection connection) {

	}

	/**
	 * When a future times out.
	 *
	 * @param at the deadline, in {@link System#nanoTime()}
	 * @param future the future
	 */
	private record Deadline(long at, CompletableFuture<?> future) {

		boolean isDone() {
			return this.future.isDone();
		}

		void expire() {
			if (!this.future.isDone()) {
				CompletableFuture.runAsync(() -> this.future.completeExceptionally(new TimeoutException()));
			}
		}

		/**
		 * Leave the rest of the wait to the JDK's timer: the controller is closing.
		 */
		void handOver() {
			long left = Math.max(0, this.at - System.nanoTime());
			this.future.orTimeout(TimeUnit.NANOSECONDS.toMillis(left) + 1, TimeUnit.MILLISECONDS);
		}

	}

	/**
	 * Stop the controller's thread and wait up to 5 s for it to end; its {@link ButlerThreads}
	 * reports it if it does not.
	 */
	@Override
	public void close() {
		if (this.running) {
			this.running = false;
			this.wakeup.wake();
			try {
				this.thread.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
