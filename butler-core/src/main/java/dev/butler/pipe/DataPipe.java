package dev.butler.pipe;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.butler.protocol.fbdp.FbdpCodec;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.FbdpMessageType;
import dev.butler.protocol.fbdp.FbdpProtocolException;
import dev.butler.service.Channel;
import dev.butler.service.ScheduledAction;
import dev.butler.service.ServiceContext;
import dev.butler.service.ServiceResource;
import dev.butler.zeromq.ZmqException;
import dev.butler.zeromq.ZmqSocketType;

/**
 * One endpoint of a Firebird Butler Data Pipe (FBDP), run on a service's loop: a producer or a
 * consumer, bound (the pipe's server) or connected (its client).
 * <p>
 * The server answers OPEN with READY(batch size) and, after each batch, offers the next one; the
 * client answers READY(m), m being the smaller batch, or READY(0) when not ready, after which the
 * server asks again after {@code ready_schedule_interval}. Exactly m DATA messages then flow, and the
 * producer ends the stream with CLOSE(OK). Bad input is answered with CLOSE and an ErrorDescription,
 * never with an exception in the service. A bound pipe uses a ROUTER socket, so a second client's
 * OPEN is refused to that client alone while the first client's session goes on.
 * <p>
 * The pipe is a {@link ServiceResource}: the runtime opens it after the service acquired its
 * resources and, when the service stops, closes an open session with CLOSE(ERROR). A peer whose
 * connection drops ends its session: at once when its process dies, within {@code peer_timeout}
 * (ZeroMQ heartbeats) when it falls silent. ZeroMQ tells the socket in line with the data, so what
 * the peer sent before is served first. Messages for a peer go with that peer: when it is gone they
 * are dropped and counted, and a peer that takes nothing never holds up another. A client whose
 * server does not answer OPEN within {@code open_timeout} ends its session. After a final CLOSE the
 * pipe waits up to {@code close_timeout} for the peer to disconnect before its socket closes, so that
 * a peer that closes at once, as Saturnin does, still gets the last batch and the CLOSE.
 * <p>
 * The protocol's state and decisions live in the pipe's session state machine, which has no
 * sockets, threads or clocks; the pipe decodes what arrives, feeds it to the session, and carries
 * out what the session asks for on the socket, the timers and the handler, counting as it goes.
 * <p>
 * The pipe runs on its service's loop thread; {@link #describe()} and the accessors of its state
 * may be called from any thread.
 */
public final class DataPipe implements ServiceResource {

	private static final Log logger = LogFactory.getLog(DataPipe.class);

	/**
	 * What ZeroMQ hands the socket in line with the data when a peer's connection drops: as the
	 * disconnect message of a bound pipe's ROUTER, from the routing id of the peer, and as the hiccup
	 * message of a connected pipe's DEALER. No FBDP message starts this way.
	 */
	private static final byte[] PEER_GONE = "\0butler:peer-gone".getBytes(StandardCharsets.US_ASCII);

	/** Peers remembered as owed a disconnect after a final CLOSE; the oldest is forgotten first. */
	private static final int CLOSING_PEERS_LIMIT = 1024;

	/** Messages kept for peers whose session ended; the oldest is dropped first. */
	private static final int FAREWELLS_LIMIT = 1024;

	/**
	 * Messages of a session that may wait for room in the socket. FBDP keeps a handful in flight;
	 * more means the peer asks for acknowledgements faster than it reads them.
	 */
	private static final int OUTBOX_LIMIT = 10_000;

	/** Whether the JDK Flight Recorder is present, which a runtime image may leave out. */
	private static final boolean TIMES_TURNAROUND = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

	/** The most messages a pipe's socket queues in either direction, whatever the batch size. */
	private static final int HIGH_WATER_MARK_LIMIT = 1_000_000;

	/** Refusals logged at WARN one by one; after them, every thousandth. */
	private static final int REFUSALS_LOGGED = 10;

	private static final long RETRY_MIN_MILLIS = 1;

	private static final long RETRY_MAX_MILLIS = 64;

	/**
	 * The header of every DATA this side sends: no flags, no type data. Sent as a copy, because over
	 * inproc JeroMQ hands the very array to the receiving thread.
	 */
	private static final byte[] DATA_HEADER = FbdpCodec.header(FbdpMessageType.DATA, 0, 0);

	private final ServiceContext context;

	private final String name;

	private final PipeRole role;

	private final PipeOptions options;

	private final PipeHandler handler;

	private final Rejections rejections;

	private final Channel channel;

	/** Whether the pipe's address is inproc, where ZeroMQ tells nothing of peers that leave. */
	private final boolean inproc;

	private final PipeStatistics statistics = new PipeStatistics();

	/** The protocol state; this class does the I/O, the timers and the counting around it. */
	private final FbdpSession session;

	/** The session's timers that are running. */
	private final Map<FbdpSession.Timer, ScheduledAction> timers = new EnumMap<>(FbdpSession.Timer.class);

	private byte @Nullable [] pendingPayload;

	/** Messages of the session waiting for room in the socket; they go out before more DATA. */
	private final Deque<List<byte[]>> outbox = new ArrayDeque<>();

	/** Messages for peers whose session ended, e.g. the final CLOSE, until taken or the peer is gone. */
	private final Deque<Farewell> farewells = new ArrayDeque<>();

	/** Peers sent a final CLOSE whose disconnect the pipe waits for before its socket closes. */
	private final Set<String> closingPeers = new LinkedHashSet<>();

	private final Channel.OutputHandler writable = (ready) -> writable();

	/** The answer to the message being served, timed while a recording takes turnaround events. */
	private @Nullable PipeTurnaroundEvent turnaround;

	/** Whether the socket refused the last message for lack of room. */
	private boolean blocked;

	private @Nullable ScheduledAction retry;

	private long retryMillis = RETRY_MIN_MILLIS;

	private @Nullable ScheduledAction stallCheck;

	/** Messages a client sent in its session before its server answered. */
	private int sentUnheard;

	/** Set once closing was reported, after {@link #settle()} or {@link #abandon()}. */
	private boolean closingReported;

	/**
	 * Create a pipe endpoint, its channel, and register it as a resource of the service. Call from
	 * {@link dev.butler.service.MicroService#initialize initialize}; a bound pipe's address is bound
	 * with the service's other endpoints, and the pipe is opened after
	 * {@link dev.butler.service.MicroService#acquireResources acquireResources}.
	 * @param context the service context
	 * @param name the channel name, unique in the service
	 * @param role producer or consumer
	 * @param options the pipe options
	 * @param handler what the service does with the pipe
	 */
	public DataPipe(ServiceContext context, String name, PipeRole role, PipeOptions options, PipeHandler handler) {
		options.validate();
		this.context = context;
		this.name = name;
		this.role = role;
		this.options = options;
		this.handler = handler;
		this.rejections = new Rejections(options.maxRejects(), options.rejectsWithin());
		this.inproc = options.pipeAddress().startsWith("inproc://");
		this.session = new FbdpSession(name, role, options, new SessionActions());
		boolean server = options.pipeMode() == PipeMode.BIND;
		// A bound tcp pipe is a ROUTER with heartbeats, which JeroMQ can make kill its I/O thread as it closes.
		this.channel = (server && !this.inproc)
				? context.createIsolatedChannel(name, ZmqSocketType.ROUTER, this::received)
				: context.createChannel(name, server ? ZmqSocketType.ROUTER : ZmqSocketType.DEALER, this::received);
		// Only inproc relies on linger; elsewhere the pipe waits for its peer's disconnect before closing.
		this.channel.socket().setLinger(this.inproc ? (int) options.closeTimeout().toMillis() : 0);
		// Flow control is FBDP's, the high-water mark only backs it up. The reader of a ZeroMQ pipe tells its
		// writer's thread what it read every half high-water mark, a wake-up of that thread each time: a mark
		// of many batches makes that rare, in both directions (READYs flow back once a batch).
		int highWaterMark = highWaterMark(options.batchSize());
		this.channel.socket().setReceiveHighWaterMark(highWaterMark);
		this.channel.socket().setSendHighWaterMark(highWaterMark);
		// A PING unanswered for half the peer timeout ends the connection, and the next PING goes out only
		// after that: JeroMQ 0.6.0 loses a heartbeat timer re-armed before the cancelled one it replaces
		// expired, and a connection that then fell silent would never time out.
		int peerTimeout = (int) options.peerTimeout().toMillis();
		this.channel.socket().setHeartbeat(peerTimeout / 2 + 1, peerTimeout / 2, peerTimeout);
		this.channel.socket().setPeerGoneMessage(PEER_GONE);
		if (server) {
			// Without it a full ROUTER drops messages silently; with it the send fails and is retried.
			this.channel.socket().setRouterMandatory(true);
			context.addEndpoint(name, options.pipeAddress());
		}
		context.addResource(this);
	}

	/**
	 * Return the high-water mark of a pipe's socket for a batch size: room for eight batches, at least
	 * ZeroMQ's default of 1000 messages.
	 */
	static int highWaterMark(int batchSize) {
		return (int) Math.min(Math.max(1000L, 8L * batchSize), HIGH_WATER_MARK_LIMIT);
	}

	/**
	 * Attach the pipe: a client connects and sends OPEN; a server waits for a client. Call from
	 * {@link dev.butler.service.MicroService#acquireResources acquireResources}, after endpoints are
	 * bound.
	 */
	@Override
	public void open() {
		if (!isServer()) {
			this.channel.connect(this.context.resolveAddress(this.options.pipeAddress()));
			this.sentUnheard = 0;
		}
		this.session.open();
	}

	/**
	 * Close the pipe with an error code and reason, e.g. when the service stops mid-stream.
	 * @param code the CLOSE code
	 * @param reason the description, or {@code null} for none
	 */
	public void close(FbdpErrorCode code, @Nullable String reason) {
		this.session.close(code, reason);
	}

	/**
	 * Close an open session with CLOSE(ERROR) because the service stops; called by the runtime. A
	 * session still open means the stream was cut short, which the service's outcome tells.
	 * @param reason why the service stops
	 */
	@Override
	public void close(String reason) {
		if (this.session.hasSession()) {
			this.context.addOutcomeDetail("Data pipe '" + this.options.pipe() + "' was still open when the service "
					+ "stopped: its " + ((this.role == PipeRole.PRODUCER) ? "output" : "input") + " ended early, after "
					+ this.statistics.dataMessages() + " DATA messages");
		}
		this.session.serviceStops(reason);
	}

	/**
	 * Hand what is left to the socket and say whether the peers sent a final CLOSE have
	 * disconnected, i.e. took it.
	 * @return whether closing is done
	 */
	@Override
	public boolean settle() {
		flushFarewells();
		if (!this.farewells.isEmpty() || !this.closingPeers.isEmpty()) {
			return false;
		}
		reportClosing();
		return true;
	}

	@Override
	public Duration settleTimeout() {
		return this.options.closeTimeout();
	}

	@Override
	public void abandon() {
		if (!this.closingPeers.isEmpty()) {
			logger.warn("Data pipe '" + this.options.pipe() + "' of service '" + this.context.serviceId()
					+ "' closes although " + this.closingPeers.size() + " peer(s) sent a final CLOSE did not disconnect "
					+ "within " + this.options.closeTimeout().toMillis() + " ms (close_timeout): "
					+ String.join(", ", this.closingPeers));
		}
		drop(this.farewells.size());
		this.farewells.clear();
		this.closingPeers.clear();
		reportClosing();
	}

	/**
	 * Tell, once, what closing lost: messages that could not be delivered and peers that stalled.
	 */
	private void reportClosing() {
		if (this.closingReported) {
			return;
		}
		this.closingReported = true;
		if (!isServer() && !this.session.peerHeard() && this.sentUnheard > 0 && this.session.closeCode() != null) {
			logger.warn("Data pipe '" + this.options.pipe() + "' of service '" + this.context.serviceId()
					+ "': its server at " + this.options.pipeAddress() + " never answered");
			drop(this.sentUnheard);
			this.sentUnheard = 0;
		}
		if (!this.inproc) {
			this.channel.socket().setLinger(0);
		}
		long dropped = this.statistics.dropped();
		if (dropped > 0) {
			String detail = "Data pipe '" + this.options.pipe() + "' dropped " + dropped
					+ " message(s) that no peer took";
			logger.warn(detail + " (service '" + this.context.serviceId() + "')");
			this.context.addOutcomeDetail(detail);
		}
		long stalls = this.statistics.stalls();
		if (stalls > 0) {
			this.context.addOutcomeDetail("Data pipe '" + this.options.pipe() + "' ended " + stalls
					+ " session(s) because the peer took no message for " + this.options.peerTimeout().toMillis()
					+ " ms");
		}
	}

	/**
	 * Tell the pipe that this side may be ready again, instead of waiting for
	 * {@code ready_schedule_interval}: a producer paused by {@link PipeHandler#NO_DATA_YET} goes on
	 * with its batch, a client that held back its answer to READY answers it if
	 * {@link PipeHandler#isReady} now says so, and a server that is not offering a batch offers one.
	 * Does nothing when there is nothing to resume; cheap enough to call after every change.
	 */
	public void resume() {
		this.session.resume();
	}

	/**
	 * Return the channel name of this pipe endpoint.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the role of this endpoint.
	 * @return producer or consumer
	 */
	public PipeRole role() {
		return this.role;
	}

	/**
	 * Return the pipe options.
	 * @return the options
	 */
	public PipeOptions options() {
		return this.options;
	}

	/**
	 * Return the state of the pipe.
	 * @return the state
	 */
	public PipeState state() {
		return this.session.state();
	}

	/**
	 * Return the data format of the session: the client's for a bound pipe, {@code pipe_format} for a
	 * connected one.
	 * @return the data format, {@code null} before a session
	 */
	public @Nullable String dataFormat() {
		return this.session.dataFormat();
	}

	/**
	 * Return how the pipe closed, {@code null} while it is open.
	 * @return the close code
	 */
	public @Nullable FbdpErrorCode closeCode() {
		return this.session.closeCode();
	}

	/**
	 * Return the descriptions that came with the close.
	 * @return the detail lines
	 */
	public List<String> closeDetails() {
		return this.session.closeDetails();
	}

	/**
	 * Return the counters of this pipe.
	 * @return the statistics
	 */
	public PipeStatistics statistics() {
		return this.statistics;
	}

	/**
	 * Describe this endpoint: options, state, peer and counters. Safe from any thread; it reads
	 * without locking, so a pipe that changes state meanwhile may be seen half-way.
	 * @return what the endpoint is and has done
	 */
	@Override
	public PipeSnapshot describe() {
		// The state first: what goes with a state is written before it.
		PipeState currentState = this.session.state();
		String peer = isServer() ? this.session.clientId() : this.options.pipeAddress();
		return new PipeSnapshot(this.name, this.options.pipe(), this.role, this.options.pipeMode(),
				this.options.pipeAddress(), peer, this.session.dataFormat(), this.options.batchSize(), currentState,
				this.session.closeCode(), this.session.closeDetails(), PipeCounts.of(this.statistics));
	}

	private boolean isServer() {
		return this.options.pipeMode() == PipeMode.BIND;
	}

	private void received(Channel channel, List<byte[]> message) {
		if (TIMES_TURNAROUND && PipeTurnaroundEvent.enabled()) {
			this.turnaround = new PipeTurnaroundEvent();
			this.turnaround.begin();
		}
		try {
			serve(message);
		}
		finally {
			this.turnaround = null;
		}
	}

	/**
	 * Time the answer to the message being served, if a recording times turnarounds: a consumer's
	 * READY, a producer's first DATA.
	 */
	private void answered(String answer) {
		PipeTurnaroundEvent event = this.turnaround;
		if (event != null) {
			this.turnaround = null;
			event.end();
			event.service = this.context.serviceId();
			event.pipe = this.options.pipe();
			event.answer = answer;
			event.commit();
		}
	}

	private void serve(List<byte[]> received) {
		byte[] sender = isServer() ? received.get(0) : null;
		List<byte[]> message = isServer() ? received.subList(1, received.size()) : received;
		if (isPlainData(message) && this.session.isSessionPeer(sender)) {
			try {
				this.session.onData((message.size() == 2) ? message.get(1) : null);
			}
			catch (Exception ex) {
				failed(ex);
			}
			return;
		}
		if (message.size() == 1 && Arrays.equals(message.get(0), PEER_GONE)) {
			peerDisconnected(sender);
			return;
		}
		FbdpMessage fbdp;
		try {
			fbdp = FbdpCodec.decode(message);
		}
		catch (FbdpProtocolException ex) {
			String reason = ex.getMessage();
			this.session.onInvalid(sender, ex.getErrorCode(), (reason != null) ? reason : ex.toString());
			return;
		}
		try {
			this.session.onMessage(sender, fbdp);
		}
		catch (Exception ex) {
			failed(ex);
		}
	}

	/**
	 * Return whether a message is a DATA without flags: the bulk of a session, served without
	 * decoding it into a message record.
	 */
	private static boolean isPlainData(List<byte[]> message) {
		if (message.isEmpty() || message.size() > 2) {
			return false;
		}
		byte[] header = message.get(0);
		return FbdpCodec.isData(header) && FbdpCodec.flags(header) == 0;
	}

	/**
	 * Close the pipe after a handler failed: with the code of a {@link PipeException}, otherwise with
	 * INTERNAL_ERROR.
	 */
	private void failed(Exception ex) {
		if (ex instanceof PipeException pipeException) {
			close(pipeException.getCode(), pipeException.getMessage());
			return;
		}
		logger.warn("Data pipe '" + this.name + "' of service '" + this.context.serviceId() + "' failed", ex);
		close(FbdpErrorCode.INTERNAL_ERROR, ex.getClass().getSimpleName() + ": " + ex.getMessage());
	}

	/**
	 * The socket may take messages: what peers of ended sessions are owed, then the session's queued
	 * control messages, then DATA of the open batch.
	 */
	private void writable() {
		this.blocked = false;
		flushFarewells();
		while (!this.outbox.isEmpty()) {
			Sent result = trySend(this.outbox.peek(), "a queued message");
			if (result == Sent.FULL) {
				blocked();
				return;
			}
			if (result == Sent.GONE) {
				return;
			}
			this.outbox.poll();
		}
		if (this.role == PipeRole.PRODUCER && this.session.credit() > 0) {
			produce();
		}
		updateOutputInterest();
	}

	/**
	 * Send what peers of ended sessions are owed, as far as each takes it now: a full or gone peer
	 * holds up no other. What a gone peer was owed, or what waited longer than
	 * {@code close_timeout}, is dropped.
	 */
	private void flushFarewells() {
		if (this.farewells.isEmpty()) {
			return;
		}
		long now = System.nanoTime();
		Set<String> full = null;
		for (Iterator<Farewell> iterator = this.farewells.iterator(); iterator.hasNext();) {
			Farewell farewell = iterator.next();
			if (full != null && full.contains(farewell.peer())) {
				continue;
			}
			if (now - farewell.queuedAt() > this.options.closeTimeout().toNanos()) {
				iterator.remove();
				drop(1);
				continue;
			}
			Sent result = sendTo(farewell.message());
			if (result == Sent.FULL) {
				full = (full != null) ? full : new LinkedHashSet<>();
				full.add(farewell.peer());
			}
			else {
				iterator.remove();
				if (result == Sent.GONE) {
					drop(1);
				}
			}
		}
	}

	/**
	 * The socket had no room: wait for room, and check that the session's peer makes progress.
	 */
	private void blocked() {
		this.blocked = true;
		if (this.stallCheck == null && this.session.hasSession()) {
			Object waiting = waitingMessage();
			String peer = this.session.sessionPeer();
			this.stallCheck = this.context.schedule("pipe " + this.name + " stall check", () -> {
				this.stallCheck = null;
				if (this.blocked && this.session.hasSession() && peer.equals(this.session.sessionPeer())
						&& waitingMessage() == waiting) {
					stalled("took no message for " + this.options.peerTimeout().toMillis() + " ms");
				}
			}, this.options.peerTimeout());
		}
		updateOutputInterest();
	}

	/**
	 * Return the message the session waits to send: the head of its outbox, else the DATA a
	 * producer could not send.
	 */
	private @Nullable Object waitingMessage() {
		return this.outbox.isEmpty() ? this.pendingPayload : this.outbox.peek();
	}

	/**
	 * Wait for output: a DEALER tells when it has room; a ROUTER always says it has, so a bound pipe
	 * whose peer had no room, or that owes peers of ended sessions, tries again after a short,
	 * growing pause.
	 */
	private void updateOutputInterest() {
		boolean sessionWaits = !this.outbox.isEmpty()
				|| (this.role == PipeRole.PRODUCER && this.session.credit() > 0 && !this.session.isPaused());
		if (!isServer()) {
			this.channel.onOutputReady((sessionWaits || !this.farewells.isEmpty()) ? this.writable : null);
			return;
		}
		this.channel.onOutputReady((sessionWaits && !this.blocked) ? this.writable : null);
		if (((sessionWaits && this.blocked) || !this.farewells.isEmpty()) && this.retry == null) {
			this.retry = this.context.schedule("pipe " + this.name + " retry", () -> {
				this.retry = null;
				writable();
			}, Duration.ofMillis(this.retryMillis));
			this.retryMillis = Math.min(this.retryMillis * 2, RETRY_MAX_MILLIS);
		}
	}

	private void produce() {
		try {
			while (this.session.credit() > 0) {
				byte[] payload = (this.pendingPayload != null) ? this.pendingPayload : this.handler.produce(this);
				this.pendingPayload = null;
				if (payload == PipeHandler.NO_DATA_YET) {
					this.session.pause();
					return;
				}
				if (payload == null) {
					this.session.finish();
					return;
				}
				Sent result = sendData(payload);
				if (result != Sent.SENT) {
					if (result == Sent.FULL) {
						this.pendingPayload = payload;
						blocked();
					}
					else {
						drop(1);
					}
					return;
				}
				this.session.sent();
			}
		}
		catch (Exception ex) {
			failed(ex);
		}
	}

	private Sent sendData(byte[] payload) {
		byte[] header = DATA_HEADER.clone();
		try {
			if (!(isServer() ? this.channel.send(this.session.client(), header, payload)
					: this.channel.send(header, payload))) {
				return Sent.FULL;
			}
		}
		catch (ZmqException ex) {
			peerGone(FbdpMessageType.DATA, ex);
			return Sent.GONE;
		}
		this.statistics.recordData(payload.length);
		progressed();
		answered("DATA");
		return Sent.SENT;
	}

	private void progressed() {
		this.retryMillis = RETRY_MIN_MILLIS;
		if (!isServer() && !this.session.peerHeard()) {
			this.sentUnheard++;
		}
	}

	private void send(FbdpMessage fbdp) {
		List<byte[]> message = isServer() ? FbdpCodec.encode(this.session.client(), fbdp) : FbdpCodec.encode(fbdp);
		if (!this.outbox.isEmpty()) {
			this.outbox.add(message);
			if (this.outbox.size() > OUTBOX_LIMIT) {
				stalled("has " + OUTBOX_LIMIT + " messages waiting for it");
			}
			return;
		}
		Sent result = trySend(message, fbdp.type());
		if (result == Sent.FULL) {
			this.outbox.add(message);
			blocked();
		}
		else if (fbdp.type() == FbdpMessageType.READY && this.role == PipeRole.CONSUMER) {
			answered("READY");
		}
	}

	/**
	 * Send to the session's peer without blocking. A peer that is gone (a bound pipe cannot route to
	 * its client any more) ends the session.
	 */
	private Sent trySend(List<byte[]> message, Object what) {
		try {
			if (!this.channel.send(message)) {
				return Sent.FULL;
			}
		}
		catch (ZmqException ex) {
			peerGone(what, ex);
			return Sent.GONE;
		}
		progressed();
		return Sent.SENT;
	}

	/**
	 * Send to a peer without a session, without blocking.
	 */
	private Sent sendTo(List<byte[]> message) {
		try {
			return this.channel.send(message) ? Sent.SENT : Sent.FULL;
		}
		catch (ZmqException ex) {
			logger.debug("Data pipe '" + this.name + "' could not send to a peer that is gone", ex);
			return Sent.GONE;
		}
	}

	/**
	 * A peer's connection dropped, as ZeroMQ told in line with what the peer sent before. What was
	 * kept for it is dropped; if it held the session, the session ends.
	 */
	private void peerDisconnected(byte @Nullable [] sender) {
		String peer = (sender != null) ? FbdpSession.peerKey(sender) : FbdpSession.SERVER;
		this.closingPeers.remove(peer);
		if (!isServer()) {
			// What was sent went out over the connection that dropped.
			this.sentUnheard = 0;
		}
		int owed = this.farewells.size();
		this.farewells.removeIf((farewell) -> farewell.peer().equals(peer));
		drop(owed - this.farewells.size());
		this.session.onPeerGone(sender);
		updateOutputInterest();
	}

	/**
	 * The session's peer took nothing for {@code peer_timeout}: end the session, and ignore what the
	 * peer still sends rather than answer each message with a CLOSE it would not take either.
	 */
	private void stalled(String why) {
		String peer = this.session.sessionPeer();
		this.session.fail("Peer of data pipe '" + this.options.pipe() + "' stopped reading: it " + why);
		// Counted last: a reader that sees the stall also sees what it dropped.
		this.statistics.stalls.increment();
		expectDisconnect(peer);
	}

	private void peerGone(Object what, ZmqException ex) {
		if (this.session.hasSession()) {
			this.session.fail("Peer of data pipe '" + this.options.pipe() + "' is gone: could not send " + what + " ("
					+ ex.getMessage() + ")");
		}
	}

	/**
	 * Remember that a peer was sent a final CLOSE, to wait for its disconnect before the socket
	 * closes. Over inproc ZeroMQ tells of no disconnect, and its linger delivers instead.
	 */
	private void expectDisconnect(String peer) {
		if (this.inproc) {
			return;
		}
		this.closingPeers.remove(peer);
		this.closingPeers.add(peer);
		if (this.closingPeers.size() > CLOSING_PEERS_LIMIT) {
			Iterator<String> eldest = this.closingPeers.iterator();
			eldest.next();
			eldest.remove();
		}
	}

	private void drop(int messages) {
		this.statistics.dropped.add(messages);
	}

	/**
	 * Answer a message that cannot be served: count it, and log the first ones.
	 */
	private void refused(String reason) {
		this.statistics.refused.increment();
		long refused = this.statistics.refused();
		if (refused <= REFUSALS_LOGGED || refused % 1000 == 0) {
			logger.warn("Data pipe '" + this.options.pipe() + "' of service '" + this.context.serviceId()
					+ "' refused a message" + ((refused > REFUSALS_LOGGED) ? " (" + refused + " so far)" : "") + ": "
					+ reason);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Data pipe '" + this.options.pipe() + "' refused a message: " + reason);
		}
	}

	/**
	 * Send a refusal to a peer without a session; one that took it owes a disconnect.
	 */
	private void refuseStranger(byte[] peer, FbdpMessage close) {
		Sent result = sendTo(FbdpCodec.encode(peer, close));
		if (result == Sent.SENT) {
			expectDisconnect(FbdpSession.peerKey(peer));
		}
		else if (result == Sent.FULL) {
			drop(1);
		}
	}

	/**
	 * The session ended. What this side still owes the peer after its own final CLOSE is kept for
	 * it; otherwise, e.g. when the peer closed or is gone, it is dropped.
	 */
	private void ended(String peer, boolean closeSent, boolean peerHeard) {
		cancel(this.stallCheck);
		this.stallCheck = null;
		if (closeSent) {
			long now = System.nanoTime();
			while (!this.outbox.isEmpty()) {
				this.farewells.add(new Farewell(peer, this.outbox.poll(), now));
			}
			while (this.farewells.size() > FAREWELLS_LIMIT) {
				this.farewells.poll();
				drop(1);
			}
			if (peerHeard) {
				expectDisconnect(peer);
			}
		}
		else {
			drop(this.outbox.size() + ((this.pendingPayload != null) ? 1 : 0));
			this.outbox.clear();
		}
		this.pendingPayload = null;
		updateOutputInterest();
	}

	private void schedule(FbdpSession.Timer timer) {
		cancel(this.timers.remove(timer));
		ScheduledAction action = switch (timer) {
			case OPEN_TIMEOUT -> this.context.schedule("pipe " + this.name + " open timeout",
					() -> expired(timer), this.options.openTimeout());
			case READY_RESEND -> this.context.schedule("pipe " + this.name + " ready", () -> expired(timer),
					this.options.readyScheduleInterval());
			case HELD_OFFER -> this.context.schedule("pipe " + this.name + " held offer", () -> expired(timer),
					this.options.readyScheduleInterval());
			case IDLE_PROBE -> this.context.scheduleWithFixedDelay("pipe " + this.name + " idle probe",
					() -> this.session.onTimer(timer), this.options.peerTimeout());
		};
		this.timers.put(timer, action);
	}

	private void expired(FbdpSession.Timer timer) {
		this.timers.remove(timer);
		this.session.onTimer(timer);
	}

	private static void cancel(@Nullable ScheduledAction action) {
		if (action != null) {
			action.cancel();
		}
	}

	/**
	 * What the session asks of the pipe, carried out on the socket, the timers and the handler.
	 */
	private final class SessionActions implements FbdpSession.Actions {

		@Override
		public void send(FbdpMessage message) {
			DataPipe.this.send(message);
		}

		@Override
		public void sendTo(byte[] peer, FbdpMessage message) {
			refuseStranger(peer, message);
		}

		@Override
		public void refused(String reason) {
			DataPipe.this.refused(reason);
		}

		@Override
		public void schedule(FbdpSession.Timer timer) {
			DataPipe.this.schedule(timer);
		}

		@Override
		public void cancel(FbdpSession.Timer timer) {
			DataPipe.cancel(DataPipe.this.timers.remove(timer));
		}

		@Override
		public void opened(String dataFormat) throws Exception {
			DataPipe.this.closingPeers.remove(DataPipe.this.session.clientId());
			DataPipe.this.rejections.clear();
			DataPipe.this.handler.opened(DataPipe.this, dataFormat);
		}

		@Override
		public boolean isReady() {
			return DataPipe.this.handler.isReady(DataPipe.this);
		}

		@Override
		public void accept(byte[] data) throws Exception {
			DataPipe.this.statistics.recordData(data.length);
			DataPipe.this.handler.accept(DataPipe.this, data);
		}

		@Override
		public @Nullable String rejected(DataRejectedException rejection) {
			String reason = String.valueOf(rejection.getMessage());
			DataPipe.this.statistics.rejected.increment();
			String cutOff = DataPipe.this.rejections.rejected(DataPipe.this.context.clock().instant(), reason);
			if (cutOff != null) {
				logger.warn("Data pipe '" + DataPipe.this.name + "' of service '" + DataPipe.this.context.serviceId()
						+ "' cuts its peer off: " + cutOff);
			}
			else {
				logger.debug("Data pipe '" + DataPipe.this.name + "' rejected a message: " + reason);
			}
			return cutOff;
		}

		@Override
		public void batchStarted(int size) {
			DataPipe.this.statistics.batches.increment();
		}

		@Override
		public void transmit() {
			writable();
		}

		@Override
		public void outputChanged() {
			updateOutputInterest();
		}

		@Override
		public void ended(String peer, boolean closeSent, boolean peerHeard) {
			DataPipe.this.ended(peer, closeSent, peerHeard);
		}

		@Override
		public void closed() {
			DataPipe.this.handler.closed(DataPipe.this);
		}

		@Override
		public void stop(@Nullable String error) {
			if (error == null) {
				DataPipe.this.context.stop();
			}
			else {
				DataPipe.this.context.stop(List.of(error));
			}
		}

		@Override
		public boolean awaitsDisconnect(byte[] peer) {
			return DataPipe.this.closingPeers.contains(FbdpSession.peerKey(peer));
		}

	}

	private enum Sent {

		SENT, FULL, GONE

	}

	/**
	 * A message kept for a peer whose session ended.
	 */
	private record Farewell(String peer, List<byte[]> message, long queuedAt) {
	}

}
