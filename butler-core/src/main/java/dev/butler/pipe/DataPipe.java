package dev.butler.pipe;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZFrame;
import org.zeromq.ZMQException;
import org.zeromq.ZMsg;

import dev.butler.protocol.fbdp.FbdpCodec;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.FbdpMessageType;
import dev.butler.protocol.fbdp.FbdpProtocolException;
import dev.butler.protocol.proto.ErrorDescription;
import dev.butler.service.Channel;
import dev.butler.service.ScheduledAction;
import dev.butler.service.ServiceContext;
import dev.butler.service.ServiceResource;

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

	/** Refusals logged at WARN one by one; after them, every thousandth. */
	private static final int REFUSALS_LOGGED = 10;

	private static final long RETRY_MIN_MILLIS = 1;

	private static final long RETRY_MAX_MILLIS = 64;

	/**
	 * The header of every DATA this side sends: no flags, no type data. Sent as a copy, because over
	 * inproc JeroMQ hands the very array to the receiving thread.
	 */
	private static final byte[] DATA_HEADER = FbdpCodec.header(FbdpMessageType.DATA, 0, 0);

	private static final byte[] EMPTY = new byte[0];

	/** The peer key of a connected pipe's one peer, its server. */
	private static final String SERVER = "";

	private final ServiceContext context;

	private final String name;

	private final PipeRole role;

	private final PipeOptions options;

	private final PipeHandler handler;

	private final Channel channel;

	/** Whether the pipe's address is inproc, where ZeroMQ tells nothing of peers that leave. */
	private final boolean inproc;

	private final PipeStatistics statistics = new PipeStatistics();

	private volatile PipeState state = PipeState.CREATED;

	/** Routing id of the client on a bound pipe, {@code null} without a session. */
	private byte[] client;

	/** {@link #client} in hex, for readers on other threads and as the key of the peer. */
	private volatile String clientId;

	private volatile String dataFormat;

	/** DATA messages left in the current batch; -1 when no batch is agreed. */
	private int transmit = -1;

	/** Whether a server waits for the client's READY answer. */
	private boolean awaitReady;

	private byte[] pendingPayload;

	/** Messages of the session waiting for room in the socket; they go out before more DATA. */
	private final Deque<ZMsg> outbox = new ArrayDeque<>();

	/** Messages for peers whose session ended, e.g. the final CLOSE, until taken or the peer is gone. */
	private final Deque<Farewell> farewells = new ArrayDeque<>();

	/** Peers sent a final CLOSE whose disconnect the pipe waits for before its socket closes. */
	private final Set<String> closingPeers = new LinkedHashSet<>();

	private final Channel.OutputHandler writable = (ready) -> writable();

	/** Whether the socket refused the last message for lack of room. */
	private boolean blocked;

	private ScheduledAction retry;

	private long retryMillis = RETRY_MIN_MILLIS;

	private ScheduledAction stallCheck;

	private ScheduledAction readyResend;

	private ScheduledAction openTimeout;

	/** NOOPs sent to a session's peer that was silent for {@code peer_timeout}. */
	private ScheduledAction idleProbe;

	/** Whether the session's peer sent anything since the last {@link #probeIdlePeer()}. */
	private boolean heardSinceProbe;

	/** The batch a client's server offered while the client was not ready, -1 for none. */
	private int heldOffer = -1;

	private ScheduledAction heldOfferTimeout;

	private volatile FbdpErrorCode closeCode;

	private volatile List<String> closeDetails = List.of();

	/** A producer whose handler had no data yet, until {@link #resume()}. */
	private boolean paused;

	/** Whether the session's peer has spoken since OPEN, i.e. its connection is established. */
	private boolean peerHeard;

	/** Messages a client sent in its session before its server answered. */
	private int sentUnheard;

	/** Set while the runtime closes the pipe, when stop_on_close must not end the service again. */
	private boolean closingWithService;

	/** Set once the pipe's service stops: no new session is accepted. */
	private boolean closing;

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
		this.inproc = options.pipeAddress().startsWith("inproc://");
		boolean server = options.pipeMode() == PipeMode.BIND;
		// A bound tcp pipe is a ROUTER with heartbeats, which JeroMQ can make kill its I/O thread as it closes.
		this.channel = (server && !this.inproc) ? context.createIsolatedChannel(name, SocketType.ROUTER, this::received)
				: context.createChannel(name, server ? SocketType.ROUTER : SocketType.DEALER, this::received);
		// Only inproc relies on linger; elsewhere the pipe waits for its peer's disconnect before closing.
		this.channel.socket().setLinger(this.inproc ? options.closeTimeout().toMillis() : 0);
		// Flow control is FBDP's, the high-water mark only backs it up. JeroMQ tells a writer what was read
		// every half high-water mark: room for two batches keeps a producer from finding its socket full
		// mid-batch and halves those wake-ups of the other thread.
		int batchRoom = 2 * options.batchSize() + 10;
		this.channel.socket().setRcvHWM((role == PipeRole.CONSUMER) ? batchRoom : 10);
		this.channel.socket().setSndHWM((role == PipeRole.PRODUCER) ? batchRoom : 10);
		// A PING unanswered for half the peer timeout ends the connection, and the next PING goes out only
		// after that: JeroMQ 0.6.0 loses a heartbeat timer re-armed before the cancelled one it replaces
		// expired, and a connection that then fell silent would never time out.
		int peerTimeout = (int) options.peerTimeout().toMillis();
		this.channel.socket().setHeartbeatTimeout(peerTimeout / 2);
		this.channel.socket().setHeartbeatIvl(peerTimeout / 2 + 1);
		this.channel.socket().setHeartbeatTtl(peerTimeout);
		if (server) {
			this.channel.socket().base().setSocketOpt(zmq.ZMQ.ZMQ_DISCONNECT_MSG, PEER_GONE);
			// Without it a full ROUTER drops messages silently; with it the send fails and is retried.
			this.channel.socket().setRouterMandatory(true);
			context.addEndpoint(name, options.pipeAddress());
		}
		else {
			this.channel.socket().base().setSocketOpt(zmq.ZMQ.ZMQ_HICCUP_MSG, PEER_GONE);
		}
		context.addResource(this);
	}

	/**
	 * Attach the pipe: a client connects and sends OPEN; a server waits for a client. Call from
	 * {@link dev.butler.service.MicroService#acquireResources acquireResources}, after endpoints are
	 * bound.
	 */
	@Override
	public void open() {
		if (isServer()) {
			this.state = PipeState.WAITING;
			return;
		}
		this.channel.connect(this.options.pipeAddress());
		this.dataFormat = this.options.pipeFormat();
		this.state = PipeState.OPEN;
		this.sentUnheard = 0;
		this.openTimeout = this.context.schedule("pipe " + this.name + " open timeout", this::openTimedOut,
				this.options.openTimeout());
		startIdleProbe();
		send(FbdpMessage.open(this.options.pipe(), this.role.clientSocket(), this.dataFormat));
	}

	/**
	 * Close the pipe with an error code and reason, e.g. when the service stops mid-stream.
	 * @param code the CLOSE code
	 * @param reason the description, or {@code null} for none
	 */
	public void close(FbdpErrorCode code, String reason) {
		if (hasSession()) {
			send((reason != null) ? FbdpMessage.close(code, reason) : FbdpMessage.close(code));
			end(code, (reason != null) ? List.of(reason) : List.of(), true);
		}
	}

	/**
	 * Close an open session with CLOSE(ERROR) because the service stops; called by the runtime. A
	 * session still open means the stream was cut short, which the service's outcome tells.
	 * @param reason why the service stops
	 */
	@Override
	public void close(String reason) {
		this.closing = true;
		if (hasSession()) {
			this.context.addOutcomeDetail("Data pipe '" + this.options.pipe() + "' was still open when the service "
					+ "stopped: its " + ((this.role == PipeRole.PRODUCER) ? "output" : "input") + " ended early, after "
					+ this.statistics.dataMessages() + " DATA messages");
		}
		this.closingWithService = true;
		try {
			close(FbdpErrorCode.ERROR, reason);
		}
		finally {
			this.closingWithService = false;
		}
		this.state = PipeState.CLOSED;
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
		if (!isServer() && !this.peerHeard && this.sentUnheard > 0 && this.closeCode != null) {
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
		if (this.paused) {
			this.paused = false;
			updateOutputInterest();
			if (this.transmit > 0) {
				writable();
			}
		}
		else if (this.heldOffer > 0 && this.handler.isReady(this)) {
			int offer = this.heldOffer;
			releaseHeldOffer();
			grant(offer);
		}
		else if (isServer() && hasSession() && this.transmit < 0 && !this.awaitReady && this.readyResend != null) {
			cancelReadyResend();
			offerBatch();
		}
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
		return this.state;
	}

	/**
	 * Return the data format of the session: the client's for a bound pipe, {@code pipe_format} for a
	 * connected one.
	 * @return the data format, {@code null} before a session
	 */
	public String dataFormat() {
		return this.dataFormat;
	}

	/**
	 * Return how the pipe closed, {@code null} while it is open.
	 * @return the close code
	 */
	public FbdpErrorCode closeCode() {
		return this.closeCode;
	}

	/**
	 * Return the descriptions that came with the close.
	 * @return the detail lines
	 */
	public List<String> closeDetails() {
		return this.closeDetails;
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
		PipeState currentState = this.state;
		String peer = isServer() ? this.clientId : this.options.pipeAddress();
		return new PipeSnapshot(this.name, this.options.pipe(), this.role, this.options.pipeMode(),
				this.options.pipeAddress(), peer, this.dataFormat, this.options.batchSize(), currentState,
				this.closeCode, this.closeDetails, PipeCounts.of(this.statistics));
	}

	private boolean isServer() {
		return this.options.pipeMode() == PipeMode.BIND;
	}

	private boolean hasSession() {
		return this.state == PipeState.OPEN || this.state == PipeState.TRANSMITTING;
	}

	/**
	 * Return the key a bound pipe knows a peer by: its routing id in hex.
	 */
	private static String peerKey(byte[] routingId) {
		return HexFormat.of().formatHex(routingId);
	}

	/**
	 * Return the key of the session's peer: the client's routing id in hex, or {@link #SERVER}.
	 */
	private String sessionPeer() {
		return isServer() ? this.clientId : SERVER;
	}

	private void received(Channel channel, ZMsg message) {
		byte[] sender = isServer() ? message.pop().getData() : null;
		if (isPlainData(message) && (isServer() ? isFromClient(sender) : hasSession())) {
			this.heardSinceProbe = true;
			try {
				acceptData((message.size() == 2) ? message.getLast().getData() : null);
			}
			catch (Exception ex) {
				failed(ex);
			}
			return;
		}
		if (message.size() == 1 && Arrays.equals(message.getFirst().getData(), PEER_GONE)) {
			peerDisconnected(sender);
			return;
		}
		FbdpMessage fbdp;
		try {
			fbdp = FbdpCodec.decode(message);
		}
		catch (FbdpProtocolException ex) {
			refuse(sender, ex.getErrorCode(), ex.getMessage());
			return;
		}
		if (!isServer() && !hasSession()) {
			logger.debug("Data pipe '" + this.name + "' dropped " + fbdp.type() + " received without a session");
			return;
		}
		if (!isServer()) {
			heard();
		}
		if (!isServer() || isFromClient(sender)) {
			this.heardSinceProbe = true;
		}
		if (isServer() && !isFromClient(sender)) {
			if (!(fbdp instanceof FbdpMessage.Open) && this.closingPeers.contains(peerKey(sender))) {
				logger.debug("Data pipe '" + this.name + "' ignored " + fbdp.type() + " from a peer it sent CLOSE");
				return;
			}
			if (!(fbdp instanceof FbdpMessage.Open)) {
				refuse(sender, FbdpErrorCode.PROTOCOL_VIOLATION,
						"Expected OPEN to start a session on pipe '" + this.options.pipe() + "', got " + fbdp.type());
				return;
			}
			if (hasSession()) {
				refuse(sender, FbdpErrorCode.PROTOCOL_VIOLATION,
						"Out of band OPEN message: pipe '" + this.options.pipe() + "' already has a client");
				return;
			}
			if (this.closing) {
				refuse(sender, FbdpErrorCode.PIPE_ENDPOINT_UNAVAILABLE,
						"Data pipe '" + this.options.pipe() + "' is closing: its service stops");
				return;
			}
		}
		try {
			if (fbdp.hasAckRequest() && (fbdp instanceof FbdpMessage.Data || fbdp instanceof FbdpMessage.Noop)) {
				send(FbdpMessage.ackReply(fbdp));
			}
			if (fbdp instanceof FbdpMessage.Open open) {
				acceptOpen(sender, open);
			}
			else if (fbdp instanceof FbdpMessage.Ready ready) {
				acceptReady(ready.batchSize());
			}
			else if (fbdp instanceof FbdpMessage.Data data && !data.hasAckReply()) {
				acceptData(data.payload());
			}
			else if (fbdp instanceof FbdpMessage.Close close) {
				closedByPeer(close);
			}
		}
		catch (Exception ex) {
			failed(ex);
		}
	}

	/**
	 * Return whether a message is a DATA without flags: the bulk of a session, served without
	 * decoding it into a message record.
	 */
	private static boolean isPlainData(ZMsg message) {
		if (message.isEmpty() || message.size() > 2) {
			return false;
		}
		byte[] header = message.getFirst().getData();
		return FbdpCodec.isData(header) && FbdpCodec.flags(header) == 0;
	}

	/**
	 * A client heard from its server: what it sent arrived, and the server is connected.
	 */
	private void heard() {
		if (!this.peerHeard) {
			this.peerHeard = true;
			this.sentUnheard = 0;
			cancel(this.openTimeout);
			this.openTimeout = null;
		}
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

	private boolean isFromClient(byte[] sender) {
		return this.client != null && Arrays.equals(this.client, sender);
	}

	private void acceptOpen(byte[] sender, FbdpMessage.Open open) throws Exception {
		if (!isServer()) {
			throw new PipeException(FbdpErrorCode.PROTOCOL_VIOLATION, "OPEN sent to the client of a pipe");
		}
		if (hasSession()) {
			throw new PipeException(FbdpErrorCode.PROTOCOL_VIOLATION, "Out of band OPEN message: the session is open");
		}
		if (!open.dataPipe().equals(this.options.pipe())) {
			refuse(sender, FbdpErrorCode.PIPE_ENDPOINT_UNAVAILABLE,
					"Unknown data pipe '" + open.dataPipe() + "', this endpoint serves '" + this.options.pipe() + "'");
			return;
		}
		if (open.pipeSocket() != this.role.serverSocket()) {
			refuse(sender, FbdpErrorCode.PIPE_ENDPOINT_UNAVAILABLE, "Unknown pipe socket " + open.pipeSocket()
					+ " for pipe '" + open.dataPipe() + "', this endpoint serves " + this.role.serverSocket());
			return;
		}
		this.client = sender;
		this.clientId = peerKey(sender);
		this.closingPeers.remove(this.clientId);
		this.peerHeard = true;
		this.closeCode = null;
		this.closeDetails = List.of();
		this.dataFormat = open.dataFormat();
		this.state = PipeState.OPEN;
		startIdleProbe();
		this.handler.opened(this, open.dataFormat());
		if (hasSession()) {
			offerBatch();
		}
	}

	/**
	 * Server: offer the next batch, or READY(0) and ask again later if not ready.
	 */
	private void offerBatch() {
		this.transmit = -1;
		this.awaitReady = true;
		if (this.handler.isReady(this)) {
			send(FbdpMessage.ready(this.options.batchSize()));
		}
		else {
			send(FbdpMessage.ready(0));
			scheduleReadyResend();
		}
	}

	private void scheduleReadyResend() {
		cancelReadyResend();
		this.readyResend = this.context.schedule("pipe " + this.name + " ready", () -> {
			this.readyResend = null;
			if (hasSession() && this.transmit < 0) {
				offerBatch();
			}
		}, this.options.readyScheduleInterval());
	}

	private void cancelReadyResend() {
		cancel(this.readyResend);
		this.readyResend = null;
	}

	private void acceptReady(int batchSize) throws Exception {
		if (isServer()) {
			if (!this.awaitReady) {
				throw new PipeException(FbdpErrorCode.PROTOCOL_VIOLATION, "READY received while no batch was offered");
			}
			this.awaitReady = false;
			if (batchSize == 0) {
				scheduleReadyResend();
				return;
			}
			startBatch(batchSize);
		}
		else {
			if (this.transmit >= 0) {
				throw new PipeException(FbdpErrorCode.PROTOCOL_VIOLATION,
						"READY received during a batch, " + this.transmit + " DATA messages still due");
			}
			if (batchSize > 0 && !this.handler.isReady(this)) {
				holdOffer(batchSize);
				return;
			}
			grant(batchSize);
		}
	}

	/**
	 * Client: answer the server's READY with the batch this side takes, 0 for none.
	 */
	private void grant(int offered) {
		int granted = Math.min(offered, this.options.batchSize());
		send(FbdpMessage.ready(granted));
		if (granted > 0) {
			startBatch(granted);
		}
	}

	/**
	 * Client not ready: keep the server's offer for up to {@code ready_schedule_interval}, so that
	 * {@link #resume()} can take it at once, then answer READY(0).
	 */
	private void holdOffer(int offered) {
		this.heldOffer = offered;
		this.heldOfferTimeout = this.context.schedule("pipe " + this.name + " held offer", () -> {
			this.heldOfferTimeout = null;
			if (this.heldOffer > 0) {
				this.heldOffer = -1;
				if (hasSession()) {
					send(FbdpMessage.ready(0));
				}
			}
		}, this.options.readyScheduleInterval());
	}

	private void releaseHeldOffer() {
		this.heldOffer = -1;
		cancel(this.heldOfferTimeout);
		this.heldOfferTimeout = null;
	}

	private void startBatch(int size) {
		this.transmit = size;
		this.state = PipeState.TRANSMITTING;
		this.statistics.batches.increment();
		if (this.role == PipeRole.PRODUCER) {
			writable();
		}
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
		if (this.role == PipeRole.PRODUCER && this.transmit > 0) {
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
		if (this.stallCheck == null && hasSession()) {
			Object waiting = waitingMessage();
			String peer = sessionPeer();
			this.stallCheck = this.context.schedule("pipe " + this.name + " stall check", () -> {
				this.stallCheck = null;
				if (this.blocked && hasSession() && peer.equals(sessionPeer()) && waitingMessage() == waiting) {
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
	private Object waitingMessage() {
		return this.outbox.isEmpty() ? this.pendingPayload : this.outbox.peek();
	}

	/**
	 * Wait for output: a DEALER tells when it has room; a ROUTER always says it has, so a bound pipe
	 * whose peer had no room, or that owes peers of ended sessions, tries again after a short,
	 * growing pause.
	 */
	private void updateOutputInterest() {
		boolean sessionWaits = !this.outbox.isEmpty()
				|| (this.role == PipeRole.PRODUCER && this.transmit > 0 && !this.paused);
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

	private void batchDone() {
		this.state = PipeState.OPEN;
		if (isServer()) {
			offerBatch();
		}
		else {
			this.transmit = -1;
		}
	}

	private void produce() {
		try {
			while (this.transmit > 0) {
				byte[] payload = (this.pendingPayload != null) ? this.pendingPayload : this.handler.produce(this);
				this.pendingPayload = null;
				if (payload == PipeHandler.NO_DATA_YET) {
					this.paused = true;
					return;
				}
				if (payload == null) {
					send(FbdpMessage.close(FbdpErrorCode.OK));
					end(FbdpErrorCode.OK, List.of(), true);
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
				this.transmit--;
			}
			batchDone();
		}
		catch (Exception ex) {
			failed(ex);
		}
	}

	private Sent sendData(byte[] payload) {
		byte[] header = DATA_HEADER.clone();
		try {
			if (!(isServer() ? this.channel.send(this.client, header, payload) : this.channel.send(header, payload))) {
				return Sent.FULL;
			}
		}
		catch (ZMQException ex) {
			peerGone(FbdpMessageType.DATA, ex);
			return Sent.GONE;
		}
		this.statistics.recordData(payload.length);
		progressed();
		return Sent.SENT;
	}

	private void progressed() {
		this.retryMillis = RETRY_MIN_MILLIS;
		if (!isServer() && !this.peerHeard) {
			this.sentUnheard++;
		}
	}

	private void acceptData(byte[] payload) throws Exception {
		if (this.role != PipeRole.CONSUMER) {
			throw new PipeException(FbdpErrorCode.PROTOCOL_VIOLATION,
					"DATA message sent to the " + this.role.serverSocket() + " socket of pipe '" + this.options.pipe()
							+ "', which produces data");
		}
		if (this.transmit <= 0) {
			throw new PipeException(FbdpErrorCode.PROTOCOL_VIOLATION, "Out of band DATA message: no batch is open");
		}
		byte[] data = (payload != null) ? payload : EMPTY;
		this.statistics.recordData(data.length);
		this.handler.accept(this, data);
		if (hasSession() && --this.transmit == 0) {
			batchDone();
		}
	}

	private void closedByPeer(FbdpMessage.Close close) {
		List<String> details = close.errors().stream().map(ErrorDescription::getDescription).toList();
		end(close.code(), details, false);
	}

	/**
	 * Answer a message that cannot be served with CLOSE, to its sender only.
	 */
	private void refuse(byte[] sender, FbdpErrorCode code, String reason) {
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
		if (isServer() && !isFromClient(sender)) {
			ZMsg message = FbdpCodec.toZMsg(FbdpMessage.close(code, reason));
			message.push(new ZFrame(sender));
			Sent result = sendTo(message);
			if (result == Sent.SENT) {
				expectDisconnect(peerKey(sender));
			}
			else if (result == Sent.FULL) {
				drop(1);
			}
			return;
		}
		close(code, reason);
	}

	private void send(FbdpMessage fbdp) {
		ZMsg message = FbdpCodec.toZMsg(fbdp);
		if (isServer()) {
			message.push(new ZFrame(this.client));
		}
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
	}

	/**
	 * Send to the session's peer without blocking. A peer that is gone (a bound pipe cannot route to
	 * its client any more) ends the session.
	 */
	private Sent trySend(ZMsg message, Object what) {
		try {
			if (!this.channel.send(message)) {
				return Sent.FULL;
			}
		}
		catch (ZMQException ex) {
			peerGone(what, ex);
			return Sent.GONE;
		}
		progressed();
		return Sent.SENT;
	}

	/**
	 * Send to a peer without a session, without blocking.
	 */
	private Sent sendTo(ZMsg message) {
		try {
			return this.channel.send(message) ? Sent.SENT : Sent.FULL;
		}
		catch (ZMQException ex) {
			logger.debug("Data pipe '" + this.name + "' could not send to a peer that is gone", ex);
			return Sent.GONE;
		}
	}

	/**
	 * A peer's connection dropped, as ZeroMQ told in line with what the peer sent before. What was
	 * kept for it is dropped; if it held the session, the session ends.
	 */
	private void peerDisconnected(byte[] sender) {
		String peer = isServer() ? peerKey(sender) : SERVER;
		this.closingPeers.remove(peer);
		if (!isServer()) {
			// What was sent went out over the connection that dropped.
			this.sentUnheard = 0;
		}
		int owed = this.farewells.size();
		this.farewells.removeIf((farewell) -> farewell.peer().equals(peer));
		drop(owed - this.farewells.size());
		if (hasSession() && (isServer() ? isFromClient(sender) : true)) {
			vanished();
		}
		updateOutputInterest();
	}

	/**
	 * Probe a session's peer that falls silent: ZeroMQ's notice of a dropped connection can be lost
	 * when the peer's messages fill the socket, and a session would then wait for a peer that is
	 * gone. A NOOP every {@code peer_timeout} of silence goes to a live peer at once; a gone one
	 * takes nothing, and the session ends as stalled.
	 */
	private void startIdleProbe() {
		cancel(this.idleProbe);
		this.heardSinceProbe = true;
		this.idleProbe = this.context.scheduleWithFixedDelay("pipe " + this.name + " idle probe", this::probeIdlePeer,
				this.options.peerTimeout());
	}

	private void probeIdlePeer() {
		if (!hasSession() || (!isServer() && !this.peerHeard)) {
			return;
		}
		if (this.heardSinceProbe) {
			this.heardSinceProbe = false;
			return;
		}
		send(FbdpMessage.noop());
	}

	private void openTimedOut() {
		this.openTimeout = null;
		if (hasSession() && !this.peerHeard) {
			String reason = "Server of data pipe '" + this.options.pipe() + "' at " + this.options.pipeAddress()
					+ " did not answer OPEN within " + this.options.openTimeout().toMillis() + " ms (open_timeout)";
			logger.warn(reason);
			end(FbdpErrorCode.ERROR, List.of(reason), false);
		}
	}

	/**
	 * The session's peer took nothing for {@code peer_timeout}: end the session, and ignore what the
	 * peer still sends rather than answer each message with a CLOSE it would not take either.
	 */
	private void stalled(String why) {
		String peer = sessionPeer();
		String reason = "Peer of data pipe '" + this.options.pipe() + "' stopped reading: it " + why;
		logger.warn(reason);
		end(FbdpErrorCode.ERROR, List.of(reason), false);
		// Counted last: a reader that sees the stall also sees what it dropped.
		this.statistics.stalls.increment();
		expectDisconnect(peer);
	}

	private void vanished() {
		String reason = "Peer of data pipe '" + this.options.pipe() + "' vanished: its connection dropped (closed, or "
				+ "silent for " + this.options.peerTimeout().toMillis() + " ms)";
		logger.warn(reason);
		end(FbdpErrorCode.ERROR, List.of(reason), false);
	}

	private void peerGone(Object what, ZMQException ex) {
		if (hasSession()) {
			String reason = "Peer of data pipe '" + this.options.pipe() + "' is gone: could not send " + what + " ("
					+ ex.getMessage() + ")";
			logger.warn(reason);
			end(FbdpErrorCode.ERROR, List.of(reason), false);
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
	 * End the session. What this side still owes the peer after its own final CLOSE is kept for it;
	 * otherwise, e.g. when the peer closed or is gone, it is dropped.
	 */
	private void end(FbdpErrorCode code, List<String> details, boolean closeSent) {
		String peer = sessionPeer();
		cancelReadyResend();
		releaseHeldOffer();
		cancel(this.stallCheck);
		this.stallCheck = null;
		cancel(this.openTimeout);
		this.openTimeout = null;
		cancel(this.idleProbe);
		this.idleProbe = null;
		if (closeSent) {
			long now = System.nanoTime();
			while (!this.outbox.isEmpty()) {
				this.farewells.add(new Farewell(peer, this.outbox.poll(), now));
			}
			while (this.farewells.size() > FAREWELLS_LIMIT) {
				this.farewells.poll();
				drop(1);
			}
			if (this.peerHeard) {
				expectDisconnect(peer);
			}
		}
		else {
			drop(this.outbox.size() + ((this.pendingPayload != null) ? 1 : 0));
			this.outbox.clear();
		}
		this.closeCode = code;
		this.closeDetails = List.copyOf(details);
		this.transmit = -1;
		this.awaitReady = false;
		this.pendingPayload = null;
		this.paused = false;
		if (isServer()) {
			this.peerHeard = false;
		}
		this.clientId = null;
		this.state = PipeState.CLOSED;
		this.client = null;
		updateOutputInterest();
		this.handler.closed(this);
		if (this.closingWithService) {
			return;
		}
		if (this.options.stopOnClose()) {
			this.closing = true;
			if (code == FbdpErrorCode.OK) {
				this.context.stop();
			}
			else {
				this.context.stop(List.of("Data pipe '" + this.options.pipe() + "' closed with " + code
						+ (details.isEmpty() ? "" : ": " + String.join("; ", details))));
			}
		}
		else if (isServer()) {
			this.state = PipeState.WAITING;
		}
	}

	private static void cancel(ScheduledAction action) {
		if (action != null) {
			action.cancel();
		}
	}

	private enum Sent {

		SENT, FULL, GONE

	}

	/**
	 * A message kept for a peer whose session ended.
	 */
	private record Farewell(String peer, ZMsg message, long queuedAt) {
	}

}
