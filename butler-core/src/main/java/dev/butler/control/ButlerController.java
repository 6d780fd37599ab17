package dev.butler.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

	private final ZContext zmq;

	private final long maxMessageSize;

	private final IpcPolicy ipc;

	private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();

	private final LoopWakeup wakeup = new LoopWakeup();

	private final List<ControlConnection> connections = new ArrayList<>();

	private final Thread thread;

	private volatile boolean running = true;

	private boolean connectionsChanged = true;

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
			ZMQ.Socket socket = ZmqSupport.createSocket(this.zmq, SocketType.PAIR);
			try {
				socket.setSndHWM(5);
				socket.setRcvHWM(5);
				socket.setLinger(0);
				ZmqSupport.limitMessageSize(socket, this.maxMessageSize);
				ZmqSupport.bind(socket, address);
			}
			catch (RuntimeException ex) {
				socket.close();
				throw EndpointAddressException.of("Control channel of '" + component + "' cannot bind", address, ex);
			}
			String bound = socket.getLastEndpoint();
			ControlConnection connection = new ControlConnection(this, component, socket, watchDrops(socket, address),
					(bound != null) ? bound : address, listener, this.maxMessageSize);
			this.connections.add(connection);
			this.connectionsChanged = true;
			return connection;
		});
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

	void closed(ControlConnection connection) {
		this.connections.remove(connection);
		closeSockets(connection);
		this.connectionsChanged = true;
	}

	private static void closeSockets(ControlConnection connection) {
		connection.socket().close();
		ZMQ.Socket monitor = connection.monitor();
		if (monitor != null) {
			monitor.close();
		}
	}

	boolean isControllerThread() {
		return Thread.currentThread() == this.thread;
	}

	private void run() {
		ZMQ.Poller poller = null;
		List<ControlConnection> polled = new ArrayList<>();
		int[] monitorIndex = new int[0];
		try {
			while (this.running) {
				if (poller == null || this.connectionsChanged) {
					if (poller != null) {
						poller.close();
					}
					poller = this.zmq.createPoller(2 * this.connections.size() + 1);
					poller.register(this.wakeup.selectable(), ZMQ.Poller.POLLIN);
					polled = List.copyOf(this.connections);
					for (ControlConnection connection : polled) {
						poller.register(connection.socket(), ZMQ.Poller.POLLIN);
					}
					monitorIndex = new int[polled.size()];
					for (int i = 0; i < polled.size(); i++) {
						ZMQ.Socket monitor = polled.get(i).monitor();
						monitorIndex[i] = (monitor != null) ? poller.register(monitor, ZMQ.Poller.POLLIN) : -1;
					}
					this.connectionsChanged = false;
				}
				poller.poll(1000);
				for (int i = 0; i < polled.size(); i++) {
					if (poller.pollin(i + 1)) {
						receive(polled.get(i));
					}
				}
				for (int i = 0; i < polled.size(); i++) {
					if (monitorIndex[i] >= 0 && poller.pollin(monitorIndex[i])) {
						receiveEvents(polled.get(i));
					}
				}
				if (poller.pollin(0)) {
					this.wakeup.drain();
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
			if (poller != null) {
				poller.close();
			}
			for (ControlConnection connection : List.copyOf(this.connections)) {
				connection.abandon("The Butler controller closed");
				closeSockets(connection);
			}
			this.connections.clear();
			this.wakeup.close();
		}
	}

	private void receive(ControlConnection connection) {
		ZMsg message;
		while ((message = ZMsg.recvMsg(connection.socket(), ZMQ.DONTWAIT)) != null) {
			try {
				connection.received(IccpCodec.decode(message));
			}
			catch (IccpProtocolException ex) {
				connection.malformed(ex);
			}
		}
	}

	private void receiveEvents(ControlConnection connection) {
		ZMQ.Event event;
		while ((event = ZMQ.Event.recv(connection.monitor(), ZMQ.DONTWAIT)) != null) {
			if (event.getEvent() == ZMQ.EVENT_DISCONNECTED) {
				// what the component sent before it dropped is in the socket already: take it first
				receive(connection);
				connection.dropped(event.getAddress());
			}
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
