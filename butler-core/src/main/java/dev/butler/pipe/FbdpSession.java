package dev.butler.pipe;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.proto.ErrorDescription;

/**
 * The FBDP protocol state of one pipe endpoint: role, mode, session state, data format, batch
 * credit and how the session closed. It knows no sockets, threads or clocks: the pipe around it
 * ({@link DataPipe}) decodes what arrives, feeds it here, and carries out the {@link Actions} the
 * session asks for, in the order asked: sending, timers, the service's handler, the end of a
 * session.
 * <p>
 * Actions are calls rather than returned lists because a handler may re-enter the pipe in the
 * middle of a step (close it, resume it), and what it causes must go out in order with the rest;
 * and because the DATA path must not allocate.
 * <p>
 * Called on the service's loop thread only; {@link #state()}, {@link #clientId()},
 * {@link #dataFormat()}, {@link #closeCode()} and {@link #closeDetails()} may be read from any.
 */
final class FbdpSession {

	/** Logs under the pipe's name, where users look for it. */
	private static final Log logger = LogFactory.getLog(DataPipe.class);

	/** The peer key of a connected pipe's one peer, its server. */
	static final String SERVER = "";

	private static final byte[] EMPTY = new byte[0];

	/**
	 * The timers a session uses; the pipe maps each to its duration.
	 */
	enum Timer {

		/** A client's wait for its server's first answer: {@code open_timeout}. */
		OPEN_TIMEOUT,

		/** A server's next offer after the client was not ready: {@code ready_schedule_interval}. */
		READY_RESEND,

		/** How long a client that is not ready holds the server's offer: {@code ready_schedule_interval}. */
		HELD_OFFER,

		/** Repeated every {@code peer_timeout} while a session is open. */
		IDLE_PROBE

	}

	/**
	 * What the session asks of the pipe around it.
	 */
	interface Actions {

		/** Send a message to the session's peer; one found gone ends the session ({@link FbdpSession#fail}) before this returns. */
		void send(FbdpMessage message);

		/** Send a final message to a peer that has no session, e.g. a refusal. */
		void sendTo(byte[] peer, FbdpMessage message);

		/** Count and log a message that could not be served. */
		void refused(String reason);

		/** Start a timer, replacing one of the same kind. */
		void schedule(Timer timer);

		/** Stop a timer. */
		void cancel(Timer timer);

		/** A client opened the session (server side): tell the handler. */
		void opened(String dataFormat) throws Exception;

		/** Ask the handler whether this side can give or take a batch now. */
		boolean isReady();

		/** Hand a DATA payload to the handler. */
		void accept(byte[] data) throws Exception;

		/**
		 * The consumer rejected a data message; decide whether the session goes on.
		 * @param rejection what the handler threw
		 * @return the reason to end the session with CLOSE(INVALID_DATA), or {@code null} to go on
		 */
		@Nullable String rejected(DataRejectedException rejection);

		/** A batch of {@code size} DATA messages was agreed. */
		void batchStarted(int size);

		/** A producer may send DATA of the open batch now. */
		void transmit();

		/** Whether this side waits to send changed. */
		void outputChanged();

		/**
		 * The session ended. What this side still owes {@code peer} is kept for it if it sent a final
		 * CLOSE, dropped otherwise.
		 * @param peer the key of the session's peer
		 * @param closeSent whether this side sent the final CLOSE
		 * @param peerHeard whether the peer had spoken in the session, i.e. will disconnect
		 */
		void ended(String peer, boolean closeSent, boolean peerHeard);

		/** Tell the handler the session closed. */
		void closed();

		/**
		 * Stop the service ({@code stop_on_close}).
		 * @param error why, or {@code null} when the pipe closed with OK
		 */
		void stop(@Nullable String error);

		/** Whether a peer was sent a final CLOSE and its disconnect is awaited. */
		boolean awaitsDisconnect(byte[] peer);

	}

	private final String name;

	private final PipeRole role;

	private final PipeOptions options;

	private final boolean server;

	private final Actions actions;

	private final EnumSet<Timer> timers = EnumSet.noneOf(Timer.class);

	private volatile PipeState state = PipeState.CREATED;

	/** Routing id of the client on a bound pipe, {@code null} without a session. */
	private byte @Nullable [] client;

	/** {@link #client} in hex, for readers on other threads and as the key of the peer. */
	private volatile @Nullable String clientId;

	private volatile @Nullable String dataFormat;

	/** DATA messages left in the current batch; -1 when no batch is agreed. */
	private int transmit = -1;

	/** Whether a server waits for the client's READY answer. */
	private boolean awaitReady;

	/** The batch a client's server offered while the client was not ready, -1 for none. */
	private int heldOffer = -1;

	/** A producer whose handler had no data yet, until {@link #resume()}. */
	private boolean paused;

	/** Whether the session's peer has spoken since OPEN, i.e. its connection is established. */
	private boolean peerHeard;

	/** Whether the session's peer sent anything since the last idle probe. */
	private boolean heardSinceProbe;

	private volatile @Nullable FbdpErrorCode closeCode;

	private volatile List<String> closeDetails = List.of();

	/** Set while the service closes the pipe, when stop_on_close must not end the service again. */
	private boolean closingWithService;

	/** Set once the pipe's service stops: no new session is accepted. */
	private boolean closing;

	FbdpSession(String name, PipeRole role, PipeOptions options, Actions actions) {
		this.name = name;
		this.role = role;
		this.options = options;
		this.server = options.pipeMode() == PipeMode.BIND;
		this.actions = actions;
	}

	PipeState state() {
		return this.state;
	}

	boolean hasSession() {
		return this.state == PipeState.OPEN || this.state == PipeState.TRANSMITTING;
	}

	/**
	 * Return the routing id of a bound pipe's client, to send to.
	 * @throws IllegalStateException without a session
	 */
	byte[] client() {
		byte[] current = this.client;
		if (current == null) {
			throw new IllegalStateException("Data pipe '" + this.name + "' has no client");
		}
		return current;
	}

	/**
	 * Return the key of a bound pipe's client, {@code null} without a session.
	 */
	@Nullable String clientId() {
		return this.clientId;
	}

	/**
	 * Return the key of the session's peer: the client's routing id in hex, or {@link #SERVER}.
	 * @throws IllegalStateException on a bound pipe without a session
	 */
	String sessionPeer() {
		if (!this.server) {
			return SERVER;
		}
		String current = this.clientId;
		if (current == null) {
			throw new IllegalStateException("Data pipe '" + this.name + "' has no client");
		}
		return current;
	}

	@Nullable String dataFormat() {
		return this.dataFormat;
	}

	@Nullable FbdpErrorCode closeCode() {
		return this.closeCode;
	}

	List<String> closeDetails() {
		return this.closeDetails;
	}

	/**
	 * Return the DATA messages left in the current batch, -1 when no batch is agreed.
	 */
	int credit() {
		return this.transmit;
	}

	boolean isPaused() {
		return this.paused;
	}

	boolean peerHeard() {
		return this.peerHeard;
	}

	/**
	 * Return whether a message from {@code sender} belongs to the open session.
	 */
	boolean isSessionPeer(byte @Nullable [] sender) {
		return this.server ? isFromClient(sender) : hasSession();
	}

	/**
	 * Return the key a bound pipe knows a peer by: its routing id in hex.
	 */
	static String peerKey(byte[] routingId) {
		return HexFormat.of().formatHex(routingId);
	}

	/**
	 * Attach: a server waits for a client; a client sends OPEN.
	 */
	void open() {
		if (this.server) {
			this.state = PipeState.WAITING;
			return;
		}
		String format = this.options.pipeFormat();
		if (format == null) {
			throw new IllegalStateException("Data pipe '" + this.name + "' connects without a pipe_format");
		}
		this.dataFormat = format;
		this.state = PipeState.OPEN;
		schedule(Timer.OPEN_TIMEOUT);
		startIdleProbe();
		this.actions.send(FbdpMessage.open(this.options.pipe(), this.role.clientSocket(), format));
	}

	/**
	 * End an open session with CLOSE(code) and the reason, if given.
	 */
	void close(FbdpErrorCode code, @Nullable String reason) {
		if (hasSession()) {
			this.actions.send((reason != null) ? FbdpMessage.close(code, reason) : FbdpMessage.close(code));
			// A send that finds the peer gone has ended the session already.
			if (hasSession()) {
				end(code, (reason != null) ? List.of(reason) : List.of(), true);
			}
		}
	}

	/**
	 * The service stops: end an open session with CLOSE(ERROR), accept no new one.
	 */
	void serviceStops(String reason) {
		this.closing = true;
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
	 * End the session with ERROR, without a CLOSE: the peer cannot take one.
	 */
	void fail(String reason) {
		logger.warn(reason);
		end(FbdpErrorCode.ERROR, List.of(reason), false);
	}

	/**
	 * This side may be ready again; see {@link DataPipe#resume()}.
	 */
	void resume() {
		if (this.paused) {
			this.paused = false;
			this.actions.outputChanged();
			if (this.transmit > 0) {
				this.actions.transmit();
			}
		}
		else if (this.heldOffer > 0 && this.actions.isReady()) {
			int offer = this.heldOffer;
			releaseHeldOffer();
			grant(offer);
		}
		else if (this.server && hasSession() && this.transmit < 0 && !this.awaitReady
				&& this.timers.contains(Timer.READY_RESEND)) {
			cancel(Timer.READY_RESEND);
			offerBatch();
		}
	}

	/**
	 * A producer's handler had no data yet: the batch waits for {@link #resume()}.
	 */
	void pause() {
		this.paused = true;
	}

	/**
	 * A producer sent one DATA of the open batch.
	 */
	void sent() {
		if (this.transmit > 0 && --this.transmit == 0) {
			batchDone();
		}
	}

	/**
	 * A producer's data ended: close with OK.
	 */
	void finish() {
		if (hasSession()) {
			this.actions.send(FbdpMessage.close(FbdpErrorCode.OK));
			if (hasSession()) {
				end(FbdpErrorCode.OK, List.of(), true);
			}
		}
	}

	/**
	 * A DATA without flags arrived from the session's peer (see {@link #isSessionPeer}).
	 * @param payload its payload, {@code null} for none
	 */
	void onData(byte @Nullable [] payload) throws Exception {
		this.heardSinceProbe = true;
		acceptData(payload);
	}

	/**
	 * A message arrived that could not be decoded.
	 * @param sender the routing id of the sender on a bound pipe, else {@code null}
	 */
	void onInvalid(byte @Nullable [] sender, FbdpErrorCode code, String reason) {
		refuse(sender, code, reason);
	}

	/**
	 * A message arrived.
	 * @param sender the routing id of the sender on a bound pipe, else {@code null}
	 */
	void onMessage(byte @Nullable [] sender, FbdpMessage message) throws Exception {
		if (!this.server && !hasSession()) {
			logger.debug("Data pipe '" + this.name + "' dropped " + message.type() + " received without a session");
			return;
		}
		if (!this.server) {
			heard();
		}
		boolean fromClient = isFromClient(sender);
		if (!this.server || fromClient) {
			this.heardSinceProbe = true;
		}
		if (sender != null && !fromClient) {
			boolean open = message instanceof FbdpMessage.Open;
			if (!open && this.actions.awaitsDisconnect(sender)) {
				logger.debug("Data pipe '" + this.name + "' ignored " + message.type() + " from a peer it sent CLOSE");
				return;
			}
			if (!open) {
				refuse(sender, FbdpErrorCode.PROTOCOL_VIOLATION,
						"Expected OPEN to start a session on pipe '" + this.options.pipe() + "', got " + message.type());
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
		if (message.hasAckRequest() && (message instanceof FbdpMessage.Data || message instanceof FbdpMessage.Noop)) {
			boolean open = hasSession();
			this.actions.send(FbdpMessage.ackReply(message));
			if (open && !hasSession()) {
				return;
			}
		}
		if (message instanceof FbdpMessage.Open open) {
			acceptOpen(sender, open);
		}
		else if (message instanceof FbdpMessage.Ready ready) {
			acceptReady(ready.batchSize());
		}
		else if (message instanceof FbdpMessage.Data data && !data.hasAckReply()) {
			acceptData(data.payload());
		}
		else if (message instanceof FbdpMessage.Close close) {
			List<String> details = close.errors().stream().map(ErrorDescription::getDescription).toList();
			end(close.code(), details, false);
		}
	}

	/**
	 * A peer's connection dropped; if it held the session, the session ends.
	 * @param sender the routing id of the peer on a bound pipe, else {@code null}
	 */
	void onPeerGone(byte @Nullable [] sender) {
		if (hasSession() && (!this.server || isFromClient(sender))) {
			fail("Peer of data pipe '" + this.options.pipe() + "' vanished: its connection dropped (closed, or "
					+ "silent for " + this.options.peerTimeout().toMillis() + " ms)");
		}
	}

	/**
	 * A timer the session started expired.
	 */
	void onTimer(Timer timer) {
		if (timer != Timer.IDLE_PROBE) {
			this.timers.remove(timer);
		}
		switch (timer) {
			case OPEN_TIMEOUT -> {
				if (hasSession() && !this.peerHeard) {
					fail("Server of data pipe '" + this.options.pipe() + "' at " + this.options.pipeAddress()
							+ " did not answer OPEN within " + this.options.openTimeout().toMillis()
							+ " ms (open_timeout)");
				}
			}
			case READY_RESEND -> {
				if (hasSession() && this.transmit < 0) {
					offerBatch();
				}
			}
			case HELD_OFFER -> {
				if (this.heldOffer > 0) {
					this.heldOffer = -1;
					if (hasSession()) {
						this.actions.send(FbdpMessage.ready(0));
					}
				}
			}
			case IDLE_PROBE -> probeIdlePeer();
		}
	}

	private boolean isFromClient(byte @Nullable [] sender) {
		return this.client != null && Arrays.equals(this.client, sender);
	}

	/**
	 * A client heard from its server: what it sent arrived, and the server is connected.
	 */
	private void heard() {
		if (!this.peerHeard) {
			this.peerHeard = true;
			cancel(Timer.OPEN_TIMEOUT);
		}
	}

	private void acceptOpen(byte @Nullable [] sender, FbdpMessage.Open open) throws Exception {
		if (!this.server || sender == null) {
			violation("OPEN sent to the client of a pipe");
			return;
		}
		if (hasSession()) {
			violation("Out of band OPEN message: the session is open");
			return;
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
		this.peerHeard = true;
		this.closeCode = null;
		this.closeDetails = List.of();
		this.dataFormat = open.dataFormat();
		this.state = PipeState.OPEN;
		startIdleProbe();
		this.actions.opened(open.dataFormat());
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
		if (this.actions.isReady()) {
			this.actions.send(FbdpMessage.ready(this.options.batchSize()));
		}
		else {
			this.actions.send(FbdpMessage.ready(0));
			cancel(Timer.READY_RESEND);
			schedule(Timer.READY_RESEND);
		}
	}

	private void acceptReady(int batchSize) {
		if (this.server) {
			if (!this.awaitReady) {
				violation("READY received while no batch was offered");
				return;
			}
			this.awaitReady = false;
			if (batchSize == 0) {
				cancel(Timer.READY_RESEND);
				schedule(Timer.READY_RESEND);
				return;
			}
			startBatch(batchSize);
		}
		else {
			if (this.transmit >= 0) {
				violation("READY received during a batch, " + this.transmit + " DATA messages still due");
				return;
			}
			if (batchSize > 0 && !this.actions.isReady()) {
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
		this.actions.send(FbdpMessage.ready(granted));
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
		schedule(Timer.HELD_OFFER);
	}

	private void releaseHeldOffer() {
		this.heldOffer = -1;
		cancel(Timer.HELD_OFFER);
	}

	private void startBatch(int size) {
		this.transmit = size;
		this.state = PipeState.TRANSMITTING;
		this.actions.batchStarted(size);
		if (this.role == PipeRole.PRODUCER) {
			this.actions.transmit();
		}
	}

	private void batchDone() {
		this.state = PipeState.OPEN;
		if (this.server) {
			offerBatch();
		}
		else {
			this.transmit = -1;
		}
	}

	private void acceptData(byte @Nullable [] payload) throws Exception {
		if (this.role != PipeRole.CONSUMER) {
			violation("DATA message sent to the " + this.role.serverSocket() + " socket of pipe '" + this.options.pipe()
					+ "', which produces data");
			return;
		}
		if (this.transmit <= 0) {
			violation("Out of band DATA message: no batch is open");
			return;
		}
		try {
			this.actions.accept((payload != null) ? payload : EMPTY);
		}
		catch (DataRejectedException ex) {
			String cutOff = this.actions.rejected(ex);
			if (cutOff != null) {
				close(FbdpErrorCode.INVALID_DATA, cutOff);
				return;
			}
		}
		if (hasSession() && --this.transmit == 0) {
			batchDone();
		}
	}

	/**
	 * The session's peer broke the protocol: end the session with CLOSE(PROTOCOL_VIOLATION).
	 */
	private void violation(String reason) {
		close(FbdpErrorCode.PROTOCOL_VIOLATION, reason);
	}

	/**
	 * Answer a message that cannot be served with CLOSE, to its sender only.
	 */
	private void refuse(byte @Nullable [] sender, FbdpErrorCode code, String reason) {
		this.actions.refused(reason);
		if (sender != null && !isFromClient(sender)) {
			this.actions.sendTo(sender, FbdpMessage.close(code, reason));
			return;
		}
		close(code, reason);
	}

	/**
	 * Probe a session's peer that falls silent; see {@link DataPipe}.
	 */
	private void startIdleProbe() {
		cancel(Timer.IDLE_PROBE);
		this.heardSinceProbe = true;
		schedule(Timer.IDLE_PROBE);
	}

	private void probeIdlePeer() {
		if (!hasSession() || (!this.server && !this.peerHeard)) {
			return;
		}
		if (this.heardSinceProbe) {
			this.heardSinceProbe = false;
			return;
		}
		this.actions.send(FbdpMessage.noop());
	}

	private void schedule(Timer timer) {
		this.timers.add(timer);
		this.actions.schedule(timer);
	}

	private void cancel(Timer timer) {
		if (this.timers.remove(timer)) {
			this.actions.cancel(timer);
		}
	}

	/**
	 * End the session. {@code closeSent} says whether this side sent the final CLOSE.
	 */
	private void end(FbdpErrorCode code, List<String> details, boolean closeSent) {
		String peer = sessionPeer();
		boolean heard = this.peerHeard;
		cancel(Timer.READY_RESEND);
		releaseHeldOffer();
		cancel(Timer.OPEN_TIMEOUT);
		cancel(Timer.IDLE_PROBE);
		this.closeCode = code;
		this.closeDetails = List.copyOf(details);
		this.transmit = -1;
		this.awaitReady = false;
		this.paused = false;
		if (this.server) {
			this.peerHeard = false;
		}
		this.clientId = null;
		this.state = PipeState.CLOSED;
		this.client = null;
		this.actions.ended(peer, closeSent, heard);
		this.actions.closed();
		if (this.closingWithService) {
			return;
		}
		if (this.options.stopOnClose()) {
			this.closing = true;
			this.actions.stop((code == FbdpErrorCode.OK) ? null : "Data pipe '" + this.options.pipe() + "' closed with "
					+ code + (details.isEmpty() ? "" : ": " + String.join("; ", details)));
		}
		else if (this.server) {
			this.state = PipeState.WAITING;
		}
	}

}
