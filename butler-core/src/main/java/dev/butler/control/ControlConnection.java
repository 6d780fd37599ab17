package dev.butler.control;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.butler.protocol.config.ConfigProtoMapper;
import dev.butler.protocol.iccp.IccpCodec;
import dev.butler.protocol.iccp.IccpMessage;
import dev.butler.protocol.iccp.IccpProtocolException;
import dev.butler.runtime.ZmqSupport;
import dev.butler.zeromq.ZmqMonitor;
import dev.butler.zeromq.ZmqSocket;

/**
 * The controller's end of one component's ICCP control channel.
 */
final class ControlConnection {

	private static final Log logger = LogFactory.getLog(ControlConnection.class);

	private final ButlerController controller;

	private final String component;

	/** The bound socket; controller thread only, {@code null} until bound. */
	private @Nullable ZmqSocket socket;

	/** Watches the socket's connections, {@code null} for inproc: see {@link ButlerController}. */
	private @Nullable ZmqMonitor monitor;

	private final String address;

	private final ControlListener listener;

	private final long maxMessageSize;

	private final CompletableFuture<IccpMessage.Ready> ready = new CompletableFuture<>();

	private @Nullable CompletableFuture<IccpMessage> pending;

	private @Nullable IccpMessage pendingRequest;

	private boolean closed;

	/** Whether the component sent FINISHED or ERROR, so that it may close its connection. */
	private boolean over;

	/** The FINISHED or ERROR the component sent on its own, outside a request. */
	private volatile @Nullable IccpMessage ending;

	private volatile int drops;

	ControlConnection(ButlerController controller, String component, String address, ControlListener listener,
			long maxMessageSize) {
		this.controller = controller;
		this.component = component;
		this.address = address;
		this.listener = listener;
		this.maxMessageSize = maxMessageSize;
	}

	/**
	 * Return the address the control socket is bound to, for the component to connect to.
	 * @return the bound address
	 */
	String address() {
		return this.address;
	}

	/**
	 * Return a future completed by the component's READY, or failed by its ERROR, by a malformed
	 * message, or when the connection closes first.
	 * @return the READY future
	 */
	CompletableFuture<IccpMessage.Ready> ready() {
		return this.ready;
	}

	/**
	 * Send a request (STOP, or REQUEST/CONF) and return a future of the component's answer: FINISHED
	 * or ERROR for STOP, OK or ERROR for REQUEST.
	 * @param request the request
	 * @param timeout how long to wait for the answer
	 * @return the answer
	 */
	CompletableFuture<IccpMessage> request(IccpMessage request, Duration timeout) {
		CompletableFuture<IccpMessage> answer = new CompletableFuture<>();
		this.controller.execute(() -> {
			send(request, answer);
			if (!answer.isDone()) {
				this.controller.orTimeout(answer, timeout);
			}
		});
		answer.whenComplete((result, failure) -> {
			if (failure != null) {
				this.controller.execute(() -> {
					if (this.pending == answer) {
						this.pending = null;
						this.pendingRequest = null;
					}
				});
			}
		});
		return answer;
	}

	private void send(IccpMessage request, CompletableFuture<IccpMessage> answer) {
		ZmqSocket current = this.socket;
		if (this.closed || current == null) {
			answer.completeExceptionally(new ComponentControlException("The control channel of '" + this.component + "' is closed"));
		}
		else if (this.ending != null) {
			answer.completeExceptionally(new ComponentControlException(
					"Component '" + this.component + "' has ended already with " + this.ending.type()));
		}
		else if (this.pending != null) {
			answer.completeExceptionally(new ComponentControlException(
					"Component '" + this.component + "' has not answered the previous request yet"));
		}
		else if (!current.sendMessage(IccpCodec.encode(request), true)) {
			answer.completeExceptionally(new ComponentControlException(
					"Component '" + this.component + "' is not connected to its control channel"));
		}
		else {
			this.pending = answer;
			this.pendingRequest = request;
		}
	}

	/**
	 * Send ICCP REQUEST/CONF with the given options and wait for the answer.
	 * @param options the options
	 * @param timeout how long to wait
	 * @return the answer: accepted on OK, refused with the component's message on ERROR
	 */
	ButlerComponent.ConfigurationReply configure(Map<String, Object> options, Duration timeout) {
		IccpMessage request = new IccpMessage.Request(ConfigProtoMapper.toProto(options));
		try {
			IccpMessage answer = request(request, timeout).get();
			if (answer instanceof IccpMessage.Error error) {
				return new ButlerComponent.ConfigurationReply(false, error.message());
			}
			return new ButlerComponent.ConfigurationReply(answer instanceof IccpMessage.Ok, answer.type().name());
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return new ButlerComponent.ConfigurationReply(false, (cause instanceof TimeoutException)
					? "No answer from '" + this.component + "' within " + timeout.toMillis() + " ms"
					: ComponentControlException.messageOf(cause));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new ButlerComponent.ConfigurationReply(false, "Interrupted");
		}
	}

	/**
	 * Close the control socket; pending futures fail.
	 */
	void close() {
		try {
			this.controller.execute(() -> {
				abandon("The control channel of '" + this.component + "' was closed");
				this.controller.closed(this);
			});
		}
		catch (ComponentControlException ex) {
			// the controller is closed already and has closed this connection
		}
	}

	/**
	 * Return how many times the component's connection to the control socket was dropped: it
	 * closed it, or it sent a frame over the maximum message size.
	 * @return the number of dropped connections
	 */
	int drops() {
		return this.drops;
	}

	/**
	 * Say why a component may have gone silent, for a message about a timeout.
	 * @param dropsBefore {@link #drops()} when the wait began
	 * @return an explanation to append, or an empty string if no connection dropped since
	 */
	String dropsSince(int dropsBefore) {
		if (this.drops <= dropsBefore) {
			return "";
		}
		return "; its connection to the control channel dropped meanwhile, as ZeroMQ does when a frame is over the "
				+ "maximum message size (" + ZmqSupport.describeSize(this.maxMessageSize)
				+ ", butler.zmq.max-message-size)";
	}

	/**
	 * Return the FINISHED or ERROR the component sent on its own, outside a request.
	 * @return the message, or {@code null} while the component has not ended on its own
	 */
	@Nullable IccpMessage ending() {
		return this.ending;
	}

	/**
	 * Give the connection its bound socket. Controller thread only.
	 * @param socket the control socket, bound
	 * @param monitor its monitor, {@code null} for none
	 */
	void attach(ZmqSocket socket, @Nullable ZmqMonitor monitor) {
		this.socket = socket;
		this.monitor = monitor;
	}

	@Nullable ZmqSocket socket() {
		return this.socket;
	}

	@Nullable ZmqMonitor monitor() {
		return this.monitor;
	}

	/**
	 * The component's connection to the control socket dropped. JeroMQ does not say why: the
	 * component closed it (its process ended, say), or ZeroMQ refused a frame over the maximum
	 * message size.
	 * @param endpoint the connection's endpoint as the monitor reports it
	 */
	void dropped(String endpoint) {
		this.drops++;
		if (this.over || this.closed) {
			logger.debug("Component '" + this.component + "' disconnected from its control channel " + endpoint);
			return;
		}
		logger.warn("The connection of component '" + this.component + "' to its control channel " + this.address
				+ " dropped: the component closed it, or it sent a frame larger than the maximum message size ("
				+ ZmqSupport.describeSize(this.maxMessageSize) + ", butler.zmq.max-message-size), which ZeroMQ "
				+ "refuses by dropping the connection");
	}

	void received(IccpMessage decoded) {
		IccpMessage message = StoredText.cap(decoded);
		if (message instanceof IccpMessage.Ready readyMessage) {
			if (!this.ready.complete(readyMessage)) {
				malformed(new IccpProtocolException(
						"Unexpected ICCP READY from '" + this.component + "': it is ready already"));
			}
		}
		else if (message instanceof IccpMessage.Error error) {
			this.over = true;
			if (!this.ready.isDone()) {
				this.ending = error;
				this.ready.completeExceptionally(new ComponentControlException(
						"Component '" + this.component + "' failed to warm up: " + error.message()));
			}
			else if (!completePending(error)) {
				this.ending = error;
				this.listener.aborted(error);
			}
		}
		else if (message instanceof IccpMessage.Finished finished) {
			this.over = true;
			if (!this.ready.isDone()) {
				this.ending = finished;
				this.ready.completeExceptionally(new ComponentControlException(
						"Component '" + this.component + "' finished before it was ready: " + finished.outcome()));
			}
			else if (this.pendingRequest instanceof IccpMessage.Stop) {
				completePending(finished);
			}
			else {
				// on its own, even if a REQUEST is pending: that request will not be answered
				this.ending = finished;
				this.listener.finished(finished);
				failPending(new ComponentControlException("Component '" + this.component
						+ "' finished before it answered the request: " + finished.outcome()));
			}
		}
		else if (message instanceof IccpMessage.Ok) {
			if (this.pendingRequest instanceof IccpMessage.Request) {
				completePending(message);
			}
			else {
				malformed(new IccpProtocolException("Unexpected ICCP OK from '" + this.component + "': "
						+ ((this.pendingRequest != null) ? "the answer to " + this.pendingRequest.type()
								+ " is FINISHED or ERROR" : "no request was sent")));
			}
		}
		else {
			malformed(new IccpProtocolException("Unexpected ICCP " + message.type() + " from component '"
					+ this.component + "': only a controller sends it"));
		}
	}

	private boolean completePending(IccpMessage message) {
		CompletableFuture<IccpMessage> current = this.pending;
		this.pending = null;
		this.pendingRequest = null;
		return current != null && current.complete(message);
	}

	private void failPending(Throwable failure) {
		CompletableFuture<IccpMessage> current = this.pending;
		this.pending = null;
		this.pendingRequest = null;
		if (current != null) {
			current.completeExceptionally(failure);
		}
	}

	/**
	 * The component sent a message that is not valid ICCP, or not valid now. Before READY it fails
	 * the warm-up; while a request waits for its answer, it is that answer and fails the request at
	 * once; otherwise the listener is told and the connection goes on.
	 * @param reported what was wrong
	 */
	void malformed(IccpProtocolException reported) {
		String text = StoredText.cap(ComponentControlException.messageOf(reported));
		IccpProtocolException problem = text.equals(reported.getMessage()) ? reported
				: new IccpProtocolException(text, reported);
		if (!this.ready.isDone()) {
			this.ready.completeExceptionally(new ComponentControlException(
					"Component '" + this.component + "' sent a malformed ICCP message: " + problem.getMessage(), problem));
		}
		IccpMessage request = this.pendingRequest;
		this.listener.malformed(problem);
		if (request != null) {
			failPending(new ComponentControlException(
					"Malformed ICCP answer to " + request.type() + ": " + problem.getMessage(), problem));
		}
	}

	void abandon(String reason) {
		abandon(new ComponentControlException(reason));
	}

	/**
	 * Give the connection up: it is closed, and READY and the pending request fail with {@code failure}.
	 * @param failure why, e.g. the socket could not be bound
	 */
	void abandon(RuntimeException failure) {
		this.closed = true;
		this.ready.completeExceptionally(failure);
		failPending(failure);
	}

}
