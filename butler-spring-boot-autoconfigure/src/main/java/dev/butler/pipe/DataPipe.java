package dev.butler.pipe;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

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
 */
public final class DataPipe {

	private static final Log logger = LogFactory.getLog(DataPipe.class);

	/** How long the socket keeps unsent messages, e.g. the final CLOSE, when it is closed. */
	private static final int LINGER_MILLIS = 5000;

	private static final int FLUSH_TIMEOUT_MILLIS = 1000;

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

	private final PipeStatistics statistics = new PipeStatistics();

	private PipeState state = PipeState.CREATED;

	/** Routing id of the client on a bound pipe, {@code null} without a session. */
	private byte[] client;

	private String dataFormat;

	/** DATA messages left in the current batch; -1 when no batch is agreed. */
	private int transmit = -1;

	/** Whether a server waits for the client's READY answer. */
	private boolean awaitReady;

	private byte[] pendingPayload;

	/** Control messages waiting for room in the socket; they go out before more DATA. */
	private final Deque<ZMsg> outbox = new ArrayDeque<>();

	private final Channel.OutputHandler writable = (ready) -> writable();

	private ScheduledAction readyResend;

	private FbdpErrorCode closeCode;

	private List<String> closeDetails = List.of();

	/**
	 * Create a pipe endpoint and its channel. Call from
	 * {@link dev.butler.service.MicroService#initialize initialize}; a bound pipe's address is bound
	 * with the service's other endpoints.
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
		if (server) {
			// Without it a full ROUTER drops messages silently; with it the send fails and is retried.
			this.channel.socket().setRouterMandatory(true);
		}
		if (server) {
			context.addEndpoint(name, options.pipeAddress());
		}
	}

	/**
	 * Attach the pipe: a client connects and sends OPEN; a server waits for a client. Call from
	 * {@link dev.butler.service.MicroService#acquireResources acquireResources}, after endpoints are
	 * bound.
	 */
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
		this.dataFormat = open.dataFormat();
		this.state = PipeState.OPEN;
		this.closeCode = null;
		this.closeDetails = List.of();
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
			int granted = this.handler.isReady(this) ? Math.min(batchSize, this.options.batchSize()) : 0;
			send(FbdpMessage.ready(granted));
			if (granted > 0) {
				startBatch(granted);
			}
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
		boolean wanted = !this.outbox.isEmpty() || (this.role == PipeRole.PRODUCER && this.transmit > 0);
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

	private void peerGone(Object what, ZMQException ex) {
		if (hasSession()) {
			end(FbdpErrorCode.ERROR, List.of("Peer of data pipe '" + this.options.pipe() + "' is gone: could not send "
					+ what + " (" + ex.getMessage() + ")"));
		}
	}

	private void end(FbdpErrorCode code, List<String> details) {
		cancelReadyResend();
		this.closeCode = code;
		this.closeDetails = List.copyOf(details);
		this.transmit = -1;
		this.awaitReady = false;
		this.pendingPayload = null;
		this.state = PipeState.CLOSED;
		this.client = null;
		updateOutputInterest();
		this.handler.closed(this);
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
