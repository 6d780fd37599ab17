package dev.butler.ffm.libzmq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.butler.zeromq.ZmqError;
import dev.butler.zeromq.ZmqEvent;
import dev.butler.zeromq.ZmqException;
import dev.butler.zeromq.ZmqMonitor;
import dev.butler.zeromq.ZmqPoller;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * A libzmq socket as a {@link ZmqSocket}. Its native memory (the message it receives into, option
 * values, errno) is allocated once; a frame is sent from its Java array in place when the send need
 * not wait, else from a buffer of the socket. Every call counts itself in and out, so that a closed
 * socket refuses calls and a socket closed by another thread (its context's close) is freed only
 * when the call in progress returns.
 *
 * <p>Peer-gone messages ({@link #setPeerGoneMessage}) use libzmq's {@code ZMQ_DISCONNECT_MSG} (ROUTER)
 * or {@code ZMQ_HICCUP_MSG} (other types) where libzmq has them; they are draft options, which a
 * libzmq built without the draft API (Debian's {@code libzmq5} 4.3.4) refuses. The socket then
 * emulates them from its own monitor of connection events:
 * <ul>
 * <li>a ROUTER tells a routing id gone once its connection ended and everything it sent was
 * received: {@link RouterConnections} works out which connection each id is of, from the file
 * descriptors of the messages ({@code ZMQ_SRCFD}) and the monitor's connection events;</li>
 * <li>another socket delivers the message when a connection it saw CONNECTED or ACCEPTED is
 * DISCONNECTED;</li>
 * <li>a synthetic message is delivered only between messages and only once a receive without waiting
 * found nothing more on the socket. That receive processes libzmq's pending commands, and libzmq
 * hands a connection's data to the socket before it reports the connection's end, so what the peer
 * sent before is received first;</li>
 * <li>{@link #events()} reports POLLIN while a synthetic message waits, a waiting receive also wakes
 * for monitor events, and {@link LibzmqPoller} polls the monitor with the socket.</li>
 * </ul>
 * Unlike libzmq's option, the emulation knows only peers that sent a message (ROUTER) and connections
 * made after the option was set. The socket's own {@link #monitor} shares the same monitor.
 */
final class LibzmqSocket implements ZmqSocket {

	private static final VarHandle USES;

	/** The bit of {@link #uses} that tells the socket is closed; the others count the calls in progress. */
	private static final int CLOSED = 1 << 30;

	private static final int ALL_EVENTS = 0xFFFF;

	/** The most monitor events kept for a monitor that is not read. */
	private static final int MAX_QUEUED_EVENTS = 10_000;

	static {
		try {
			USES = MethodHandles.lookup().findVarHandle(LibzmqSocket.class, "uses", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final LibzmqContext context;

	private final ZmqSocketType type;

	private final MemorySegment handle;

	private final Arena arena = Arena.ofShared();

	private final MemorySegment state;

	private final MemorySegment message;

	private final MemorySegment option;

	private final MemorySegment optionLength;

	private final MemorySegment text;

	@SuppressWarnings("unused")
	private volatile int uses;

	/** Whether the frame last received has more frames after it. */
	private boolean more;

	/** What {@link #read} found besides the frame: whether more follow, and where it came from. */
	private boolean readMore;

	private int readFd;

	/** ROUTER, emulating peer-gone messages: the routing id received whose file descriptor is not known yet. */
	private byte @Nullable [] routingId;

	private int receiveTimeout = -1;

	private @Nullable Arena sendArena;

	private MemorySegment sendBuffer = MemorySegment.NULL;

	private @Nullable Events events;

	/** The frames of a synthetic message not received yet. */
	private @Nullable ArrayDeque<byte[]> delivering;

	LibzmqSocket(LibzmqContext context, ZmqSocketType type, MemorySegment handle) {
		this.context = context;
		this.type = type;
		this.handle = handle;
		this.state = this.arena.allocate(LibZmq.CALL_STATE);
		this.message = this.arena.allocate(LibZmq.MSG);
		this.option = this.arena.allocate(ValueLayout.JAVA_LONG);
		this.optionLength = this.arena.allocate(ValueLayout.JAVA_LONG);
		this.text = this.arena.allocate(1024);
	}

	@Override
	public ZmqSocketType type() {
		return this.type;
	}

	MemorySegment handle() {
		return this.handle;
	}

	@Override
	public void bind(String endpoint) {
		endpoint(LibZmq.BIND, endpoint, "Cannot bind to ");
	}

	@Override
	public void connect(String endpoint) {
		endpoint(LibZmq.CONNECT, endpoint, "Cannot connect to ");
	}

	@Override
	public void unbind(String endpoint) {
		endpoint(LibZmq.UNBIND, endpoint, "Cannot unbind from ");
	}

	@Override
	public void disconnect(String endpoint) {
		endpoint(LibZmq.DISCONNECT, endpoint, "Cannot disconnect from ");
	}

	private void endpoint(java.lang.invoke.MethodHandle function, String endpoint, String what) {
		enter();
		try (Arena call = Arena.ofConfined()) {
			MemorySegment address = call.allocateFrom(endpoint);
			int errno;
			do {
				int result = (int) function.invokeExact(this.state, this.handle, address);
				errno = (result != 0) ? LibZmq.errno(this.state) : 0;
			}
			// libzmq reads its command mailbox first, which a signal can interrupt.
			while (errno == LibZmq.EINTR);
			if (errno != 0) {
				throw LibZmq.failure(errno, what + endpoint);
			}
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		finally {
			exit();
		}
	}

	@Override
	public @Nullable String lastEndpoint() {
		enter();
		try {
			this.optionLength.set(ValueLayout.JAVA_LONG, 0, this.text.byteSize());
			int result = (int) LibZmq.GETSOCKOPT.invokeExact(this.state, this.handle, LibZmq.ZMQ_LAST_ENDPOINT, this.text,
					this.optionLength);
			if (result != 0) {
				throw LibZmq.failure(LibZmq.errno(this.state), "Cannot read the last endpoint");
			}
			String endpoint = this.text.getString(0);
			return endpoint.isEmpty() ? null : endpoint;
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		finally {
			exit();
		}
	}

	@Override
	public boolean send(byte[] frame, int flags) {
		enter();
		try {
			int result;
			int errno;
			do {
				result = (int) LibZmq.SEND_NOW.invokeExact(this.state, this.handle, MemorySegment.ofArray(frame),
						(long) frame.length, flags | LibZmq.ZMQ_DONTWAIT);
				errno = (result < 0) ? LibZmq.errno(this.state) : 0;
			}
			while (errno == LibZmq.EINTR);
			if (result >= 0) {
				return true;
			}
			if (errno != LibZmq.EAGAIN) {
				throw LibZmq.failure(errno, "Cannot send");
			}
			if ((flags & LibZmq.ZMQ_DONTWAIT) != 0) {
				return false;
			}
			MemorySegment buffer = sendBuffer(frame.length);
			MemorySegment.copy(frame, 0, buffer, ValueLayout.JAVA_BYTE, 0, frame.length);
			do {
				result = (int) LibZmq.SEND.invokeExact(this.state, this.handle, buffer, (long) frame.length, flags);
				errno = (result < 0) ? LibZmq.errno(this.state) : 0;
			}
			while (errno == LibZmq.EINTR);
			if (result >= 0) {
				return true;
			}
			if (errno == LibZmq.EAGAIN) {
				return false;
			}
			throw LibZmq.failure(errno, "Cannot send");
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		finally {
			exit();
		}
	}

	private MemorySegment sendBuffer(int size) {
		if (this.sendBuffer.byteSize() < size) {
			Arena previous = this.sendArena;
			Arena arena = Arena.ofShared();
			this.sendBuffer = arena.allocate(Math.max(size, 2 * this.sendBuffer.byteSize()));
			this.sendArena = arena;
			if (previous != null) {
				previous.close();
			}
		}
		return this.sendBuffer;
	}

	@Override
	public byte @Nullable [] receive(int flags) {
		enter();
		try {
			if (this.delivering != null) {
				return nextSynthetic(this.delivering);
			}
			Events events = this.events;
			if (events == null || events.gone == null || this.more) {
				return receiveReal(flags);
			}
			return receiveOrGone(events, flags);
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		finally {
			exit();
		}
	}

	/**
	 * Receive at the start of a message on a socket that emulates peer-gone messages.
	 */
	private byte @Nullable [] receiveOrGone(Events events, int flags) throws Throwable {
		boolean wait = (flags & LibZmq.ZMQ_DONTWAIT) == 0 && this.receiveTimeout != 0;
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(this.receiveTimeout, 0));
		while (true) {
			// The monitor is read only once the socket has nothing: a read costs a call into libzmq,
			// and what it tells is delivered only then.
			byte[] frame = receiveReal(LibZmq.ZMQ_DONTWAIT);
			if (frame != null) {
				return frame;
			}
			drainEvents(events);
			frame = receiveReal(LibZmq.ZMQ_DONTWAIT);
			if (frame != null) {
				return frame;
			}
			events.drained();
			List<byte[]> gone = events.synthetic.poll();
			if (gone != null) {
				ArrayDeque<byte[]> frames = new ArrayDeque<>(gone);
				this.delivering = frames;
				return nextSynthetic(frames);
			}
			if (!wait) {
				return null;
			}
			long remaining = -1;
			if (this.receiveTimeout > 0) {
				remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (remaining <= 0) {
					return null;
				}
			}
			MemorySegment items = events.pollItems;
			pollItem(items, 0, this.handle, LibZmq.ZMQ_POLLIN);
			pollItem(items, 1, events.reader, LibZmq.ZMQ_POLLIN);
			int result = (int) LibZmq.POLL.invokeExact(this.state, items, 2, remaining);
			if (result < 0) {
				int errno = LibZmq.errno(this.state);
				if (errno != LibZmq.EINTR) {
					throw LibZmq.failure(errno, "Cannot receive");
				}
			}
		}
	}

	private byte[] nextSynthetic(ArrayDeque<byte[]> frames) {
		byte[] frame = frames.remove();
		this.more = !frames.isEmpty();
		if (!this.more) {
			this.delivering = null;
		}
		return frame;
	}

	private byte @Nullable [] receiveReal(int flags) throws Throwable {
		Events events = this.events;
		RouterConnections router = (events != null && events.gone != null) ? events.router : null;
		byte[] routingId = (router != null && this.more) ? this.routingId : null;
		boolean source = router != null && (!this.more || routingId != null);
		byte[] frame = read(this.handle, flags | LibZmq.ZMQ_DONTWAIT, false, source);
		if (frame == null && (flags & LibZmq.ZMQ_DONTWAIT) == 0) {
			frame = read(this.handle, flags, true, source);
		}
		if (frame != null) {
			boolean more = this.readMore;
			if (router != null && source) {
				// A routing id that libzmq prefetched (to tell it can receive) lacks the file descriptor,
				// which the next frame has.
				routingId = (routingId != null) ? routingId : frame;
				if (this.readFd >= 0) {
					if (router.received(this.readFd, routingId)) {
						drainEvents(Objects.requireNonNull(events));
						router.bound();
					}
					routingId = null;
				}
				this.routingId = more ? routingId : null;
			}
			this.more = more;
		}
		return frame;
	}

	/**
	 * Receive a frame of a socket into this socket's message.
	 * @param socket this socket or its monitor's reader
	 * @param flags libzmq's flags
	 * @param wait whether the call may block: not a critical call
	 * @param source whether to note the file descriptor the frame came from in {@link #readFd}
	 * @return the frame, {@code null} on EAGAIN
	 */
	private byte @Nullable [] read(MemorySegment socket, int flags, boolean wait, boolean source) throws Throwable {
		MemorySegment message = this.message;
		int result = (int) LibZmq.MSG_INIT.invokeExact(message);
		try {
			int errno;
			do {
				result = wait ? (int) LibZmq.MSG_RECV.invokeExact(this.state, message, socket, flags)
						: (int) LibZmq.MSG_RECV_NOW.invokeExact(this.state, message, socket, flags);
				errno = (result < 0) ? LibZmq.errno(this.state) : 0;
			}
			// A call that does not wait fails with EINTR too, when a signal (a profiler's sample)
			// interrupts the poll of libzmq's command mailbox, before it takes a frame.
			while (errno == LibZmq.EINTR);
			if (result < 0) {
				if (errno == LibZmq.EAGAIN) {
					return null;
				}
				throw LibZmq.failure(errno, "Cannot receive");
			}
			long size = (long) LibZmq.MSG_SIZE.invokeExact(message);
			if (size > Integer.MAX_VALUE - 8) {
				throw new ZmqException(ZmqError.OTHER, "Cannot receive a frame of " + size + " bytes into an array");
			}
			byte[] frame = new byte[(int) size];
			MemorySegment data = (MemorySegment) LibZmq.MSG_DATA.invokeExact(message);
			MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, frame, 0, frame.length);
			this.readMore = (int) LibZmq.MSG_MORE.invokeExact(message) != 0;
			if (source) {
				this.readFd = (int) LibZmq.MSG_GET.invokeExact(message, LibZmq.ZMQ_SRCFD);
			}
			return frame;
		}
		finally {
			result = (int) LibZmq.MSG_CLOSE.invokeExact(message);
		}
	}

	@Override
	public boolean hasMore() {
		return this.more;
	}

	@Override
	public int events() {
		enter();
		try {
			int ready;
			this.optionLength.set(ValueLayout.JAVA_LONG, 0, 4);
			int result = (int) LibZmq.GETSOCKOPT.invokeExact(this.state, this.handle, LibZmq.ZMQ_EVENTS, this.option,
					this.optionLength);
			if (result != 0) {
				// An error (the context is terminated) reports all, so that the next operation raises it.
				ready = ZmqPoller.POLLIN | ZmqPoller.POLLOUT;
			}
			else {
				ready = this.option.get(ValueLayout.JAVA_INT, 0) & (ZmqPoller.POLLIN | ZmqPoller.POLLOUT);
			}
			return takeEventsAndSyntheticWaiting() ? ready | ZmqPoller.POLLIN : ready;
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		finally {
			exit();
		}
	}

	/**
	 * Return the reader of the monitor that a poller must watch with this socket, if the socket
	 * emulates peer-gone messages; called between {@link #enter()} and {@link #exit()}.
	 */
	@Nullable MemorySegment goneReader() {
		Events events = this.events;
		return (events != null && events.gone != null) ? events.reader : null;
	}

	/**
	 * Return the reader of the socket's monitor, if the user monitors the socket; called between
	 * {@link #enter()} and {@link #exit()}.
	 */
	@Nullable MemorySegment monitorReader() {
		Events events = this.events;
		return (events != null && events.userMask != 0) ? events.reader : null;
	}

	/**
	 * Return whether an event waits for the user's monitor, read already; called between
	 * {@link #enter()} and {@link #exit()}.
	 */
	boolean userEventWaiting() {
		Events events = this.events;
		return events != null && !events.userEvents.isEmpty();
	}

	/**
	 * Read the monitor's events and return whether one waits for the user's monitor; called between
	 * {@link #enter()} and {@link #exit()}.
	 */
	boolean takeEventsAndUserEventWaiting() throws Throwable {
		Events events = this.events;
		if (events == null) {
			return false;
		}
		drainEvents(events);
		return !events.userEvents.isEmpty();
	}

	/**
	 * Return whether a synthetic message waits; called between {@link #enter()} and {@link #exit()}.
	 * Events still unread keep the monitor's reader readable, which a poller polls with the socket,
	 * and the next receive reads them.
	 */
	boolean syntheticWaiting() {
		if (this.delivering != null) {
			return true;
		}
		Events events = this.events;
		if (events == null || events.gone == null) {
			return false;
		}
		RouterConnections router = events.router;
		return !events.synthetic.isEmpty() || (router != null && router.endsToDrain());
	}

	/**
	 * Read the monitor's events and return whether a synthetic message waits; called between
	 * {@link #enter()} and {@link #exit()}, when the monitor's reader is readable or the caller must know.
	 */
	boolean takeEventsAndSyntheticWaiting() throws Throwable {
		Events events = this.events;
		if (this.delivering == null && events != null && events.gone != null) {
			drainEvents(events);
		}
		return syntheticWaiting();
	}

	@Override
	public void setLinger(int millis) {
		setInt(LibZmq.ZMQ_LINGER, millis, "the linger");
	}

	@Override
	public void setSendHighWaterMark(int messages) {
		setInt(LibZmq.ZMQ_SNDHWM, messages, "the send high-water mark");
	}

	@Override
	public void setReceiveHighWaterMark(int messages) {
		setInt(LibZmq.ZMQ_RCVHWM, messages, "the receive high-water mark");
	}

	@Override
	public void setSendTimeout(int millis) {
		setInt(LibZmq.ZMQ_SNDTIMEO, millis, "the send timeout");
	}

	@Override
	public void setReceiveTimeout(int millis) {
		setInt(LibZmq.ZMQ_RCVTIMEO, millis, "the receive timeout");
		this.receiveTimeout = millis;
	}

	@Override
	public void setHeartbeat(int intervalMillis, int timeoutMillis, int ttlMillis) {
		setInt(LibZmq.ZMQ_HEARTBEAT_IVL, intervalMillis, "the heartbeat interval");
		setInt(LibZmq.ZMQ_HEARTBEAT_TIMEOUT, timeoutMillis, "the heartbeat timeout");
		setInt(LibZmq.ZMQ_HEARTBEAT_TTL, ttlMillis, "the heartbeat time to live");
	}

	@Override
	public void setHandshakeInterval(int millis) {
		setInt(LibZmq.ZMQ_HANDSHAKE_IVL, millis, "the handshake interval");
	}

	@Override
	public int handshakeInterval() {
		return (int) get(LibZmq.ZMQ_HANDSHAKE_IVL, 4, "the handshake interval");
	}

	@Override
	public long maxMessageSize() {
		return get(LibZmq.ZMQ_MAXMSGSIZE, 8, "the maximum message size");
	}

	/**
	 * Read an int or int64 option.
	 */
	private long get(int option, int size, String what) {
		enter();
		try {
			this.optionLength.set(ValueLayout.JAVA_LONG, 0, size);
			int result = (int) LibZmq.GETSOCKOPT.invokeExact(this.state, this.handle, option, this.option,
					this.optionLength);
			if (result != 0) {
				throw LibZmq.failure(LibZmq.errno(this.state), "Cannot read " + what);
			}
			return (size == 8) ? this.option.get(ValueLayout.JAVA_LONG, 0) : this.option.get(ValueLayout.JAVA_INT, 0);
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		finally {
			exit();
		}
	}

	@Override
	public void setRouterMandatory(boolean mandatory) {
		setInt(LibZmq.ZMQ_ROUTER_MANDATORY, mandatory ? 1 : 0, "router mandatory");
	}

	@Override
	public void setPeerGoneMessage(byte[] message) {
		boolean router = this.type == ZmqSocketType.ROUTER;
		int errno = setBytes(router ? LibZmq.ZMQ_DISCONNECT_MSG : LibZmq.ZMQ_HICCUP_MSG, message);
		if (errno == 0) {
			return;
		}
		if (errno != LibZmq.EINVAL) {
			throw LibZmq.failure(errno, "Cannot set the peer-gone message");
		}
		enter();
		try {
			Events events = monitored();
			if (router && events.router == null) {
				events.router = new RouterConnections();
			}
			events.gone = message.clone();
		}
		finally {
			exit();
		}
	}

	@Override
	public void setMaxMessageSize(long bytes) {
		enter();
		try {
			this.option.set(ValueLayout.JAVA_LONG, 0, bytes);
			int result = (int) LibZmq.SETSOCKOPT.invokeExact(this.state, this.handle, LibZmq.ZMQ_MAXMSGSIZE, this.option,
					8L);
			if (result != 0) {
				throw LibZmq.failure(LibZmq.errno(this.state), "Cannot set the largest message to " + bytes);
			}
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		finally {
			exit();
		}
	}

	@Override
	public void setRoutingId(byte[] routingId) {
		checkBytes(LibZmq.ZMQ_ROUTING_ID, routingId, "the routing id");
	}

	@Override
	public void subscribe(byte[] prefix) {
		checkBytes(LibZmq.ZMQ_SUBSCRIBE, prefix, "a subscription");
	}

	@Override
	public void setCurveServer(byte[] secretKey, String zapDomain) {
		if (!((LibzmqEngine) this.context.engine()).hasCurve()) {
			throw new ZmqException(ZmqError.PROTOCOL_NOT_SUPPORTED,
					"This libzmq was built without CURVE security (zmq_has(\"curve\") is false)");
		}
		checkBytes(LibZmq.ZMQ_ZAP_DOMAIN, zapDomain.getBytes(StandardCharsets.UTF_8), "the ZAP domain");
		setInt(LibZmq.ZMQ_CURVE_SERVER, 1, "CURVE server");
		checkBytes(LibZmq.ZMQ_CURVE_SECRETKEY, secretKey, "the CURVE secret key");
	}

	private void setInt(int option, int value, String what) {
		enter();
		try {
			this.option.set(ValueLayout.JAVA_INT, 0, value);
			int result = (int) LibZmq.SETSOCKOPT.invokeExact(this.state, this.handle, option, this.option, 4L);
			if (result != 0) {
				throw LibZmq.failure(LibZmq.errno(this.state), "Cannot set " + what + " to " + value);
			}
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		finally {
			exit();
		}
	}

	private void checkBytes(int option, byte[] value, String what) {
		int errno = setBytes(option, value);
		if (errno != 0) {
			throw LibZmq.failure(errno, "Cannot set " + what);
		}
	}

	/**
	 * Set an option of bytes.
	 * @return 0, or libzmq's error number
	 */
	private int setBytes(int option, byte[] value) {
		enter();
		try (Arena call = Arena.ofConfined()) {
			MemorySegment bytes = call.allocate(Math.max(value.length, 1));
			MemorySegment.copy(value, 0, bytes, ValueLayout.JAVA_BYTE, 0, value.length);
			int result = (int) LibZmq.SETSOCKOPT.invokeExact(this.state, this.handle, option, bytes, (long) value.length);
			return (result != 0) ? LibZmq.errno(this.state) : 0;
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		finally {
			exit();
		}
	}

	@Override
	public ZmqMonitor monitor(int events) {
		enter();
		try {
			Events monitored = monitored();
			monitored.userEvents.clear();
			monitored.userMask = events;
			return new LibzmqMonitor(this);
		}
		finally {
			exit();
		}
	}

	/**
	 * Return the next event of the socket's monitor.
	 */
	@Nullable ZmqEvent nextEvent(long timeoutMillis) {
		enter();
		try {
			Events events = this.events;
			if (events == null || events.userMask == 0) {
				throw new ZmqException(ZmqError.INVALID, "The monitor is closed");
			}
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(timeoutMillis, 0));
			while (true) {
				ZmqEvent event = events.userEvents.poll();
				if (event != null) {
					return event;
				}
				if (readEvent(events)) {
					continue;
				}
				long remaining = -1;
				if (timeoutMillis >= 0) {
					remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
					if (remaining <= 0) {
						return null;
					}
				}
				pollItem(events.pollItems, 0, events.reader, LibZmq.ZMQ_POLLIN);
				int result = (int) LibZmq.POLL.invokeExact(this.state, events.pollItems, 1, remaining);
				if (result < 0 && LibZmq.errno(this.state) != LibZmq.EINTR) {
					throw LibZmq.failure(LibZmq.errno(this.state), "Cannot read the socket's events");
				}
			}
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		finally {
			exit();
		}
	}

	/**
	 * Stop reporting events to the monitor, and stop monitoring if nothing else needs it.
	 */
	void closeMonitor() {
		if (!enterIfOpen()) {
			return;
		}
		try {
			Events events = this.events;
			if (events != null) {
				events.userMask = 0;
				events.userEvents.clear();
				if (events.gone == null) {
					this.events = null;
					stopMonitoring(events);
				}
			}
		}
		finally {
			exit();
		}
	}

	/**
	 * Return the socket's monitor, started with every event on first use.
	 */
	private Events monitored() {
		Events events = this.events;
		if (events != null) {
			return events;
		}
		String address = "inproc://butler-monitor-" + UUID.randomUUID();
		try (Arena call = Arena.ofConfined()) {
			int result = (int) LibZmq.SOCKET_MONITOR.invokeExact(this.state, this.handle, call.allocateFrom(address),
					ALL_EVENTS);
			if (result != 0) {
				throw LibZmq.failure(LibZmq.errno(this.state), "Cannot monitor the socket");
			}
			MemorySegment reader;
			try {
				reader = this.context.rawSocket(ZmqSocketType.PAIR);
			}
			catch (RuntimeException ex) {
				result = (int) LibZmq.SOCKET_MONITOR.invokeExact(this.state, this.handle, MemorySegment.NULL, 0);
				throw ex;
			}
			events = new Events(reader, this.arena.allocate(LibZmq.POLL_ITEM, 2));
			this.events = events;
			this.option.set(ValueLayout.JAVA_INT, 0, 0);
			result = (int) LibZmq.SETSOCKOPT.invokeExact(this.state, reader, LibZmq.ZMQ_LINGER, this.option, 4L);
			if (result == 0) {
				result = (int) LibZmq.CONNECT.invokeExact(this.state, reader, call.allocateFrom(address));
			}
			if (result != 0) {
				int errno = LibZmq.errno(this.state);
				this.events = null;
				stopMonitoring(events);
				throw LibZmq.failure(errno, "Cannot read the socket's events from " + address);
			}
			return events;
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
	}

	private void stopMonitoring(Events events) {
		try {
			int ignored = (int) LibZmq.SOCKET_MONITOR.invokeExact(this.state, this.handle, MemorySegment.NULL, 0);
			ignored = (int) LibZmq.CLOSE.invokeExact(events.reader);
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
	}

	private void drainEvents(Events events) throws Throwable {
		while (readEvent(events)) {
			// take them all
		}
	}

	/**
	 * Read an event from the monitor, if one waits, into the emulation and the user's monitor.
	 * @return whether there was one
	 */
	private boolean readEvent(Events events) throws Throwable {
		byte[] first = read(events.reader, LibZmq.ZMQ_DONTWAIT, false, false);
		if (first == null) {
			return false;
		}
		byte[] address = null;
		while (this.readMore) {
			byte[] frame = read(events.reader, LibZmq.ZMQ_DONTWAIT, false, false);
			if (frame == null) {
				break;
			}
			if (address == null) {
				address = frame;
			}
		}
		if (first.length < 6 || address == null) {
			return true;
		}
		int bit = (first[0] & 0xFF) | ((first[1] & 0xFF) << 8);
		long value = (first[2] & 0xFFL) | ((first[3] & 0xFFL) << 8) | ((first[4] & 0xFFL) << 16)
				| ((first[5] & 0xFFL) << 24);
		ZmqEvent.Type type = ZmqEvent.Type.of(bit);
		if (type == null) {
			return true;
		}
		if (events.gone != null) {
			events.noteForGone(type, value);
		}
		if ((events.userMask & bit) != 0 && events.userEvents.size() < MAX_QUEUED_EVENTS) {
			events.userEvents.add(new ZmqEvent(type, new String(address, StandardCharsets.UTF_8), value));
		}
		return true;
	}

	static void pollItem(MemorySegment items, int index, MemorySegment socket, int events) {
		long offset = index * LibZmq.POLL_ITEM.byteSize();
		items.set(ValueLayout.ADDRESS, offset + LibZmq.POLL_ITEM_SOCKET, socket);
		items.set(ValueLayout.JAVA_INT, offset + LibZmq.POLL_ITEM_FD, 0);
		items.set(ValueLayout.JAVA_SHORT, offset + LibZmq.POLL_ITEM_EVENTS, (short) events);
		items.set(ValueLayout.JAVA_SHORT, offset + LibZmq.POLL_ITEM_REVENTS, (short) 0);
	}

	/**
	 * Count a call in.
	 * @throws ZmqException if the socket is closed
	 */
	void enter() {
		if (!enterIfOpen()) {
			throw this.context.isClosed() ? new ZmqException(ZmqError.TERMINATED, "The ZeroMQ context is closed")
					: new ZmqException(ZmqError.INVALID, "The " + this.type + " socket is closed");
		}
	}

	private boolean enterIfOpen() {
		int current = this.uses;
		while ((current & CLOSED) == 0) {
			int witness = (int) USES.compareAndExchange(this, current, current + 1);
			if (witness == current) {
				return true;
			}
			current = witness;
		}
		return false;
	}

	/**
	 * Count a call out; the last call out of a closed socket frees it.
	 */
	void exit() {
		if ((int) USES.getAndAdd(this, -1) == (CLOSED | 1)) {
			release();
		}
	}

	@Override
	public void close() {
		int current = this.uses;
		while ((current & CLOSED) == 0) {
			int witness = (int) USES.compareAndExchange(this, current, current | CLOSED);
			if (witness == current) {
				if (current == 0) {
					release();
				}
				return;
			}
			current = witness;
		}
	}

	private void release() {
		try {
			Events events = this.events;
			this.events = null;
			if (events != null) {
				stopMonitoring(events);
			}
			int ignored = (int) LibZmq.CLOSE.invokeExact(this.handle);
		}
		catch (Throwable ex) {
			throw LibZmq.rethrown(ex);
		}
		finally {
			this.context.forget(this);
			this.arena.close();
			Arena sendArena = this.sendArena;
			if (sendArena != null) {
				sendArena.close();
			}
		}
	}

	@Override
	public String toString() {
		return "libzmq " + this.type + " socket";
	}

	/**
	 * The socket's monitor: its reader, the events not read yet by the user's monitor, and what the
	 * emulation of peer-gone messages knows.
	 */
	private static final class Events {

		final MemorySegment reader;

		/** Two {@code zmq_pollitem_t}: the socket and the reader. */
		final MemorySegment pollItems;

		int userMask;

		final ArrayDeque<ZmqEvent> userEvents = new ArrayDeque<>();

		byte @Nullable [] gone;

		/** ROUTER: its connections, and which routing ids are gone. */
		@Nullable RouterConnections router;

		/** Other types: the file descriptors of the connections made. */
		final Set<Long> connections = new HashSet<>();

		final ArrayDeque<List<byte[]>> synthetic = new ArrayDeque<>();

		Events(MemorySegment reader, MemorySegment pollItems) {
			this.reader = reader;
			this.pollItems = pollItems;
		}

		/**
		 * ROUTER: queue a gone message for each routing id that the socket, found empty after the
		 * monitor was read, now knows gone.
		 */
		void drained() {
			RouterConnections router = this.router;
			byte[] gone = this.gone;
			if (router != null && gone != null) {
				for (byte[] routingId : router.drained()) {
					this.synthetic.add(List.of(routingId, gone));
				}
			}
		}

		void noteForGone(ZmqEvent.Type type, long fd) {
			byte[] gone = this.gone;
			if (gone == null) {
				return;
			}
			RouterConnections router = this.router;
			if (router != null) {
				if (type == ZmqEvent.Type.ACCEPTED || type == ZmqEvent.Type.CONNECTED) {
					router.started((int) fd);
				}
				else if (type == ZmqEvent.Type.DISCONNECTED) {
					router.ended((int) fd);
				}
			}
			else if (type == ZmqEvent.Type.CONNECTED || type == ZmqEvent.Type.ACCEPTED) {
				this.connections.add(fd);
			}
			else if (type == ZmqEvent.Type.DISCONNECTED && this.connections.remove(fd)) {
				this.synthetic.add(List.of(gone));
			}
		}

	}

}
