package dev.butler.control;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.butler.protocol.iccp.IccpCodec;
import dev.butler.protocol.iccp.IccpProtocolException;
import dev.butler.runtime.ButlerThreads;
import dev.butler.runtime.EndpointAddressException;
import dev.butler.runtime.IpcPolicy;
import dev.butler.runtime.ZmqSupport;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqEvent;
import dev.butler.zeromq.ZmqMonitor;
import dev.butler.zeromq.ZmqPoller;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * The ICCP controller: binds one PAIR socket per controlled component and drives it with real ICCP
 * messages. All sockets belong to the controller's own thread; callers on other threads get futures.
 */
public final class ButlerController implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ButlerController.class);

	private static final long COMMAND_TIMEOUT_SECONDS = 10;

	/** How long the controller waits when nothing signals; every command wakes it at once. */
	private static final long IDLE_POLL_MILLIS = 1000;

	private static final int PURGE_MIN = 64;

	private final ZmqContext zmq;

	private final long maxMessageSize;

	private final IpcPolicy ipc;

	private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();

	/** Polls the control sockets; {@link ZmqPoller#wake()} runs the commands queued. */
	private final ZmqPoller poller;

	/** The open connections and their items in {@link #poller}; controller thread only. */
	private final Map<ControlConnection, Watched> connections = new LinkedHashMap<>();

	private final Thread thread;

	private volatile boolean running = true;

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
	public ButlerController(ZmqContext zmq, ButlerThreads threads) {
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
	public ButlerController(ZmqContext zmq, ButlerThreads threads, long maxMessageSize, IpcPolicy ipc) {
		this.zmq = zmq;
		this.maxMessageSize = maxMessageSize;
		this.ipc = ipc;
		this.poller = zmq.poller();
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
			ZmqSocket socket = bind(component, address);
			String bound = socket.lastEndpoint();
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

	private ZmqSocket bind(String component, String address) {
		ZmqSocket socket = ZmqSupport.createSocket(this.zmq, ZmqSocketType.PAIR);
		try {
			socket.setSendHighWaterMark(5);
			socket.setReceiveHighWaterMark(5);
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
	private static @Nullable ZmqMonitor watchDrops(ZmqSocket socket, String address) {
		if (address.startsWith("inproc:")) {
			return null;
		}
		return socket.monitor(ZmqEvent.Type.DISCONNECTED.bit());
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
		this.poller.wake();
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
	 * Give a connection its bound socket and poll it. Then read it and its monitor once: a component
	 * that connected to an inproc address before it was bound may have sent already.
	 */
	private void attach(ControlConnection connection, ZmqSocket socket, @Nullable ZmqMonitor monitor) {
		connection.attach(socket, monitor);
		ZmqPoller.Item item = null;
		try {
			item = this.poller.register(socket, ZmqPoller.POLLIN);
			this.connections.put(connection, new Watched(item, (monitor != null) ? this.poller.register(monitor) : null));
		}
		catch (RuntimeException ex) {
			if (item != null) {
				item.cancel();
			}
			closeSockets(connection);
			throw new ComponentControlException("Cannot watch the control channel of '" + connection.address() + "'", ex);
		}
		receive(connection);
		receiveEvents(connection);
	}

	void closed(ControlConnection connection) {
		Watched watched = this.connections.remove(connection);
		if (watched != null) {
			watched.cancel();
		}
		closeSockets(connection);
	}

	private static void closeSockets(ControlConnection connection) {
		ZmqMonitor monitor = connection.monitor();
		if (monitor != null) {
			monitor.close();
		}
		ZmqSocket socket = connection.socket();
		if (socket != null) {
			socket.close();
		}
	}

	boolean isControllerThread() {
		return Thread.currentThread() == this.thread;
	}

	private void run() {
		try {
			while (this.running) {
				long wait = expireDeadlines();
				if (this.poller.poll(wait) > 0) {
					for (Map.Entry<ControlConnection, Watched> entry : List.copyOf(this.connections.entrySet())) {
						Watched watched = entry.getValue();
						if (watched.socket().readyEvents() != 0) {
							receive(entry.getKey());
						}
						if (watched.monitor() != null && watched.monitor().readyEvents() != 0) {
							receiveEvents(entry.getKey());
						}
					}
				}
				Runnable command;
				while ((command = this.commands.poll()) != null) {
					command.run();
				}
			}
		}
		catch (RuntimeException ex) {
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
			this.poller.close();
		}
	}

	/**
	 * Take every message the component sent.
	 */
	private void receive(ControlConnection connection) {
		ZmqSocket socket = connection.socket();
		if (socket == null) {
			return;
		}
		List<byte[]> message;
		while ((message = socket.receiveMessage(true)) != null) {
			try {
				connection.received(IccpCodec.decode(message));
			}
			catch (IccpProtocolException ex) {
				connection.malformed(ex);
			}
		}
	}

	/**
	 * Take every event of the connection's monitor.
	 */
	private void receiveEvents(ControlConnection connection) {
		ZmqMonitor monitor = connection.monitor();
		if (monitor == null) {
			return;
		}
		ZmqEvent event;
		while ((event = monitor.receive(0)) != null) {
			if (event.type() == ZmqEvent.Type.DISCONNECTED) {
				// what the component sent before it dropped is in the socket already: take it first
				receive(connection);
				connection.dropped(event.address());
			}
		}
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
			this.poller.wake();
			try {
				this.thread.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * A connection's control socket and monitor in the poller.
	 */
	private record Watched(ZmqPoller.Item socket, ZmqPoller.@Nullable Item monitor) {

		void cancel() {
			this.socket.cancel();
			if (this.monitor != null) {
				this.monitor.cancel();
			}
		}

	}

}
