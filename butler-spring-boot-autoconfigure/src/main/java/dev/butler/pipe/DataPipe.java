package dev.butler.pipe;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import org.zeromq.ZMsg;

import dev.butler.protocol.fbdp.FbdpCodec;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.FbdpMessageType;
import dev.butler.protocol.fbdp.FbdpProtocolException;
import dev.butler.protocol.fbdp.PipeSocket;
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
 * resources and, when the service stops, closes an open session with CLOSE(ERROR). A peer that
 * vanishes ends the session: its connection drops at once when its process dies, and ZeroMQ
 * heartbeats drop it within {@code peer_timeout} when it falls silent.
 * <p>
 * The pipe runs on its service's loop thread; {@link #describe()} and the accessors of its state
 * may be called from any thread.
 */
public final class DataPipe implements ServiceResource {

	private static final Log logger = LogFactory.getLog(DataPipe.class);

	/** How long the socket keeps unsent messages, e.g. the final CLOSE, when it is closed. */
	private static final int LINGER_MILLIS = 5000;

	private static final int FLUSH_TIMEOUT_MILLIS = 1000;

	private static final Duration PROBE_INTERVAL = Duration.ofMillis(100);

	/**
	 * Probes of a client after a connection dropped: for as long as the socket may keep a dropped
	 * connection's pipe to deliver what it holds, and a second more.
	 */
	private static final int PROBES = (int) ((LINGER_MILLIS + 1000) / PROBE_INTERVAL.toMillis());

	/**
	 * The header of every DATA this side sends: no flags, no type data. Sent as a copy, because over
	 * inproc JeroMQ hands the very array to the receiving thread.
	 */
	private static final byte[] DATA_HEADER = FbdpCodec.header(FbdpMessageType.DATA, 0, 0);

	private static final byte[] EMPTY = new byte[0];

	private final ServiceContext context;

	private final String name;

	private final PipeRole role;

	private final PipeOptions options;

	private final PipeHandler handler;

	private final Channel channel;

	/** Receives the events of the pipe socket's monitor. */
	private Channel monitor;

	private final PipeStatistics statistics = new PipeStatistics();

	private volatile PipeState state = PipeState.CREATED;

	/** Routing id of the client on a bound pipe, {@code null} without a session. */
	private byte[] client;

	/** {@link #client} in hex, for readers on other threads. */
	private volatile String clientId;

	private volatile String dataFormat;

	/** DATA messages left in the current batch; -1 when no batch is agreed. */
	private int transmit = -1;

	/** Whether a server waits for the client's READY answer. */
	private boolean awaitReady;

	private byte[] pendingPayload;

	/** Control messages waiting for room in the socket; they go out before more DATA. */
	private final Deque<ZMsg> outbox = new ArrayDeque<>();

	private final Channel.OutputHandler writable = (ready) -> writable();

	private ScheduledAction readyResend;

	/** The batch a client's server offered while the client was not ready, -1 for none. */
	private int heldOffer = -1;

	private ScheduledAction heldOfferTimeout;

	private volatile FbdpErrorCode closeCode;

	private volatile List<String> closeDetails = List.of();

	/** A producer whose handler had no data yet, until {@link #resume()}. */
	private boolean paused;

	/** Whether the session's peer has spoken since OPEN, i.e. its connection is established. */
	private boolean peerHeard;

	/** ZMTP connections of a bound pipe, counted from its socket monitor. */
	private int connections;

	/** NOOPs a server sends to find out whether its client is still there after a connection dropped. */
	private ScheduledAction probe;

	/** Set while the runtime closes the pipe, when stop_on_close must not end the service again. */
	private boolean closingWithService;

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
		boolean server = options.pipeMode() == PipeMode.BIND;
		this.channel = context.createChannel(name, server ? SocketType.ROUTER : SocketType.DEALER, this::received);
		this.channel.socket().setLinger(LINGER_MILLIS);
		// Flow control is FBDP's, the high-water mark only backs it up. JeroMQ tells a writer what was read
		// every half high-water mark: room for two batches keeps a producer from finding its socket full
		// mid-batch and halves those wake-ups of the other thread.
		int batchRoom = 2 * options.batchSize() + 10;
		this.channel.socket().setRcvHWM((role == PipeRole.CONSUMER) ? batchRoom : 10);
		this.channel.socket().setSndHWM((role == PipeRole.PRODUCER) ? batchRoom : 10);
		int peerTimeout = (int) options.peerTimeout().toMillis();
		this.channel.socket().setHeartbeatIvl(Math.max(peerTimeout / 3, 50));
		this.channel.socket().setHeartbeatTimeout(peerTimeout);
		this.channel.socket().setHeartbeatTtl(peerTimeout);
		watchConnections();
		if (server) {
			// Without it a full ROUTER drops messages silently; with it the send fails and is retried.
			this.channel.socket().setRouterMandatory(true);
			context.addEndpoint(name, options.pipeAddress());
		}
		context.addResource(this);
	}

	private void watchConnections() {
		String monitorAddress = "inproc://butler-pipe-monitor/" + UUID.randomUUID();
		this.channel.socket()
			.monitor(monitorAddress, ZMQ.EVENT_ACCEPTED | ZMQ.EVENT_DISCONNECTED);
		this.monitor = this.context.createChannel(this.name + "#monitor", SocketType.PAIR,
				(channel, event) -> connectionEvents(event));
		this.monitor.connect(monitorAddress);
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
			end(code, (reason != null) ? List.of(reason) : List.of());
		}
	}

	/**
	 * Close an open session with CLOSE(ERROR) because the service stops; called by the runtime.
	 * @param reason why the service stops
	 */
	@Override
	public void close(String reason) {
		this.closingWithService = true;
		try {
			close(FbdpErrorCode.ERROR, reason);
			flushOutbox();
		}
		finally {
			this.closingWithService = false;
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

	private void received(Channel channel, ZMsg message) {
		byte[] sender = isServer() ? message.pop().getData() : null;
		if (isPlainData(message) && (isServer() ? isFromClient(sender) : hasSession())) {
			try {
				acceptData((message.size() == 2) ? message.getLast().getData() : null);
			}
			catch (Exception ex) {
				failed(ex);
			}
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
		if (!isServer() || isFromClient(sender)) {
			this.peerHeard = true;
		}
		if (isServer() && !isFromClient(sender)) {
			if (fbdp instanceof FbdpMessage.Open && hasSession()) {
				refuse(sender, FbdpErrorCode.PROTOCOL_VIOLATION,
						"Out of band OPEN message: pipe '" + this.options.pipe() + "' already has a client");
				return;
			}
			if (!(fbdp instanceof FbdpMessage.Open)) {
				refuse(sender, FbdpErrorCode.PROTOCOL_VIOLATION,
						"Expected OPEN to start a session on pipe '" + this.options.pipe() + "', got " + fbdp.type());
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
		this.clientId = HexFormat.of().formatHex(sender);
		this.peerHeard = true;
		this.closeCode = null;
		this.closeDetails = List.of();
		this.dataFormat = open.dataFormat();
		this.state = PipeState.OPEN;
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
		if (this.readyResend != null) {
			this.readyResend.cancel();
			this.readyResend = null;
		}
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
		if (this.heldOfferTimeout != null) {
			this.heldOfferTimeout.cancel();
			this.heldOfferTimeout = null;
		}
	}

	private void startBatch(int size) {
		this.transmit = size;
		this.state = PipeState.TRANSMITTING;
		this.statistics.batches++;
		if (this.role == PipeRole.PRODUCER) {
			writable();
		}
	}

	/**
	 * The socket can take messages: queued control messages first, then DATA of the open batch.
	 */
	private void writable() {
		while (!this.outbox.isEmpty()) {
			if (!trySend(this.outbox.peek(), "a queued message")) {
				updateOutputInterest();
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
	 * Hand queued messages, e.g. the final CLOSE, to the socket before the service stops: its linger
	 * then delivers them. Waits at most {@link #FLUSH_TIMEOUT_MILLIS} per message.
	 */
	private void flushOutbox() {
		ZMQ.Socket socket = this.channel.socket();
		socket.setSendTimeOut(FLUSH_TIMEOUT_MILLIS);
		try {
			ZMsg message;
			while ((message = this.outbox.poll()) != null) {
				if (!message.send(socket)) {
					logger.warn("Data pipe '" + this.name + "' dropped " + (this.outbox.size() + 1)
							+ " queued messages: the peer took none within " + FLUSH_TIMEOUT_MILLIS + " ms");
					this.outbox.clear();
				}
			}
		}
		catch (ZMQException ex) {
			this.outbox.clear();
		}
		finally {
			socket.setSendTimeOut(-1);
		}
		updateOutputInterest();
	}

	private void updateOutputInterest() {
		boolean wanted = !this.outbox.isEmpty() || (this.role == PipeRole.PRODUCER && this.transmit > 0 && !this.paused);
		this.channel.onOutputReady(wanted ? this.writable : null);
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
					end(FbdpErrorCode.OK, List.of());
					return;
				}
				if (!sendData(payload)) {
					if (hasSession()) {
						this.pendingPayload = payload;
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

	private boolean sendData(byte[] payload) {
		byte[] header = DATA_HEADER.clone();
		try {
			if (!(isServer() ? this.channel.send(this.client, header, payload) : this.channel.send(header, payload))) {
				return false;
			}
		}
		catch (ZMQException ex) {
			peerGone(FbdpMessageType.DATA, ex);
			return false;
		}
		this.statistics.recordData(payload.length);
		return true;
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
		end(close.code(), details);
	}

	/**
	 * Answer a message that cannot be served with CLOSE, to its sender only.
	 */
	private void refuse(byte[] sender, FbdpErrorCode code, String reason) {
		logger.warn("Data pipe '" + this.name + "' of service '" + this.context.serviceId() + "' refused a message: "
				+ reason);
		this.statistics.refused++;
		if (isServer() && !isFromClient(sender)) {
			ZMsg message = FbdpCodec.toZMsg(FbdpMessage.close(code, reason));
			message.push(new ZFrame(sender));
			try {
				this.channel.send(message);
			}
			catch (ZMQException ex) {
				logger.debug("Data pipe '" + this.name + "' could not answer a peer that is gone", ex);
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
		if (!this.outbox.isEmpty() || !trySend(message, fbdp.type())) {
			this.outbox.add(message);
			updateOutputInterest();
		}
	}

	/**
	 * Send without blocking; {@code false} if the socket is full. A peer that is gone (a bound pipe
	 * cannot route to its client any more) ends the session.
	 */
	private boolean trySend(ZMsg message, Object what) {
		try {
			return this.channel.send(message);
		}
		catch (ZMQException ex) {
			peerGone(what, ex);
			return false;
		}
	}

	/**
	 * Connections of the pipe's socket came or went: the event that woke the loop and any others
	 * waiting. When one dropped, what the peer sent before, e.g. its last DATA and CLOSE, is served
	 * first. Then a client's session ends, as it has only the one connection, and so does a
	 * server's without connections left; a server that still has some, e.g. of a refused second
	 * client, probes its client with NOOPs, which fail once the client cannot be routed to.
	 */
	private void connectionEvents(ZMsg first) {
		boolean dropped = countConnection(first);
		ZMsg next;
		while ((next = ZMsg.recvMsg(this.monitor.socket(), ZMQ.DONTWAIT)) != null) {
			dropped |= countConnection(next);
		}
		if (!dropped) {
			return;
		}
		this.channel.receiveWaiting();
		if (!hasSession() || !this.peerHeard) {
			return;
		}
		if (isServer() && this.connections > 0) {
			probeClient(this.client);
		}
		else {
			vanished();
		}
	}

	/**
	 * Count a monitor event; {@code true} if a connection dropped.
	 */
	private boolean countConnection(ZMsg event) {
		ZFrame frame = event.getFirst();
		int type = (frame != null && frame.size() >= 4) ? ByteBuffer.wrap(frame.getData()).getInt() : 0;
		if (type == ZMQ.EVENT_ACCEPTED) {
			this.connections++;
		}
		else if (type == ZMQ.EVENT_DISCONNECTED) {
			this.connections = Math.max(this.connections - 1, 0);
			return true;
		}
		return false;
	}

	private void probeClient(byte[] probed) {
		cancelProbe();
		int[] probes = { 0 };
		this.probe = this.context.scheduleWithFixedDelay("pipe " + this.name + " probe", () -> {
			if (!hasSession() || !Arrays.equals(this.client, probed) || ++probes[0] > PROBES) {
				cancelProbe();
				return;
			}
			ZMsg noop = FbdpCodec.toZMsg(FbdpMessage.noop());
			noop.push(new ZFrame(probed));
			try {
				this.channel.send(noop);
			}
			catch (ZMQException ex) {
				vanished();
			}
		}, PROBE_INTERVAL);
	}

	private void cancelProbe() {
		if (this.probe != null) {
			this.probe.cancel();
			this.probe = null;
		}
	}

	private void vanished() {
		String reason = "Peer of data pipe '" + this.options.pipe() + "' vanished: its connection dropped (closed, or "
				+ "silent for " + this.options.peerTimeout().toMillis() + " ms)";
		logger.warn(reason);
		end(FbdpErrorCode.ERROR, List.of(reason));
	}

	private void peerGone(Object what, ZMQException ex) {
		if (hasSession()) {
			String reason = "Peer of data pipe '" + this.options.pipe() + "' is gone: could not send " + what + " ("
					+ ex.getMessage() + ")";
			logger.warn(reason);
			end(FbdpErrorCode.ERROR, List.of(reason));
		}
	}

	private void end(FbdpErrorCode code, List<String> details) {
		cancelReadyResend();
		cancelProbe();
		releaseHeldOffer();
		this.closeCode = code;
		this.closeDetails = List.copyOf(details);
		this.transmit = -1;
		this.awaitReady = false;
		this.pendingPayload = null;
		this.paused = false;
		this.peerHeard = false;
		this.clientId = null;
		this.state = PipeState.CLOSED;
		this.client = null;
		updateOutputInterest();
		this.handler.closed(this);
		if (this.closingWithService) {
			return;
		}
		if (this.options.stopOnClose()) {
			flushOutbox();
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

}
