package dev.butler.context;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.SmartLifecycle;

import dev.butler.runtime.ButlerThreads;
import dev.butler.runtime.ZmqSupport;
import dev.butler.zeromq.Z85;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqException;
import dev.butler.zeromq.ZmqPoller;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * The control bus of contexts: a ZeroMQ forwarder, as zmicroservices runs, whose XSUB frontend
 * takes what clients publish and whose XPUB backend hands it on to every subscriber. Requests
 * published on the topics {@code context} and {@code state} (two frames: the topic and a JSON
 * object of {@code header} and {@code content}) are not handed on but carried out by its {@link ContextControl},
 * one at a time and in order; the answer is published on {@code state}, a transaction's state,
 * or on {@code error}, saying what was wrong with the request. A bad request never stops the bus.
 * The sockets are bound, read, written and closed on the bus's own thread, {@code butler-context-bus}.
 */
public final class ContextBus implements SmartLifecycle {

	/** The topic of requests that act on a context or one of its services. */
	public static final String CONTEXT_TOPIC = "context";

	/** The topic of state requests, and of the states published in answer to any request. */
	public static final String STATE_TOPIC = "state";

	/** The topic of the answers to requests that could not be carried out. */
	public static final String ERROR_TOPIC = "error";

	/** The ZeroMQ authentication protocol's endpoint, where a context's ZAP handler binds. */
	static final String ZAP_ENDPOINT = "inproc://zeromq.zap.01";

	private static final Log logger = LogFactory.getLog(ContextBus.class);

	private static final AtomicInteger instances = new AtomicInteger();

	private static final int LOGGED_MESSAGE_CHARS = 500;

	private static final byte[] STOP = new byte[0];

	private final ZmqContext zmq;

	private final Endpoints endpoints;

	private final @Nullable Curve curve;

	private final ContextControl control;

	private final Executor actions;

	private final ButlerThreads threads;

	private final JsonMapper json = JsonMapper.builder().build();

	private final String outboxAddress = "inproc://butler-context-bus-" + instances.incrementAndGet();

	private final Object outboxLock = new Object();

	private @Nullable ZmqSocket outbox;

	private volatile boolean running;

	private @Nullable Thread thread;

	/**
	 * Create a bus.
	 * @param zmq the ZeroMQ context of its sockets
	 * @param endpoints where it binds
	 * @param curve the CURVE keys that secure it, {@code null} for none
	 * @param control carries out the requests
	 * @param actions runs the requests, one at a time and in order
	 * @param threads starts the bus's thread
	 */
	public ContextBus(ZmqContext zmq, Endpoints endpoints, @Nullable Curve curve, ContextControl control,
			Executor actions, ButlerThreads threads) {
		this.zmq = zmq;
		this.endpoints = endpoints;
		this.curve = curve;
		this.control = control;
		this.actions = actions;
		this.threads = threads;
	}

	/**
	 * Bind the sockets and start forwarding and answering requests.
	 * @throws IllegalStateException naming the property of an address that cannot be bound
	 */
	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		CompletableFuture<Void> bound = new CompletableFuture<>();
		this.thread = this.threads.start("butler-context-bus", true, () -> run(bound));
		try {
			bound.get(10, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			this.running = false;
			join();
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime
					: new IllegalStateException(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("The context bus did not bind its sockets within 10 s", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while the context bus bound its sockets", ex);
		}
		logger.info("Context bus: publish requests to " + this.endpoints.frontend() + ", subscribe at "
				+ this.endpoints.backend() + ((this.curve != null) ? " (CURVE)" : ""));
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		send(STOP);
		join();
		synchronized (this.outboxLock) {
			if (this.outbox != null) {
				this.outbox.close();
				this.outbox = null;
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Start after the services and the supervisor, stop before them.
	 */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 1000;
	}

	private void join() {
		Thread current = this.thread;
		if (current != null && current != Thread.currentThread()) {
			try {
				current.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void run(CompletableFuture<Void> bound) {
		ZmqSocket frontend = null;
		ZmqSocket backend = null;
		ZmqSocket inbox = null;
		ZmqSocket zap = null;
		ZmqPoller poller = null;
		try {
			try {
				inbox = ZmqSupport.createSocket(this.zmq, ZmqSocketType.PULL);
				inbox.bind(this.outboxAddress);
				if (this.curve != null && !this.curve.clientKeys().isEmpty()) {
					zap = ZmqSupport.createSocket(this.zmq, ZmqSocketType.REP);
					zap.bind(ZAP_ENDPOINT);
				}
				frontend = boundSocket(ZmqSocketType.XSUB, this.endpoints.frontendProperty(), this.endpoints.frontend());
				backend = boundSocket(ZmqSocketType.XPUB, this.endpoints.backendProperty(), this.endpoints.backend());
				frontend.send(new byte[] { 1 }, 0);
				poller = this.zmq.poller();
			}
			catch (RuntimeException ex) {
				bound.completeExceptionally(ex);
				return;
			}
			bound.complete(null);
			loop(poller, frontend, backend, inbox, zap);
		}
		finally {
			for (ZmqSocket socket : Arrays.asList(frontend, backend, inbox, zap)) {
				if (socket != null) {
					socket.close();
				}
			}
			if (poller != null) {
				poller.close();
			}
		}
	}

	private ZmqSocket boundSocket(ZmqSocketType type, String property, String address) {
		ZmqSocket socket = ZmqSupport.createSocket(this.zmq, type);
		try {
			socket.setLinger(0);
			if (this.curve != null) {
				socket.setCurveServer(this.curve.secret(), "butler");
			}
			ZmqSupport.bind(socket, address);
			return socket;
		}
		catch (ZmqException ex) {
			socket.close();
			throw new IllegalStateException("The context bus cannot bind " + property + "=" + address + ": "
					+ ex.getMessage(), ex);
		}
	}

	private void loop(ZmqPoller poller, ZmqSocket frontend, ZmqSocket backend, ZmqSocket inbox,
			@Nullable ZmqSocket zap) {
		ZmqPoller.Item frontendItem = poller.register(frontend, ZmqPoller.POLLIN);
		ZmqPoller.Item backendItem = poller.register(backend, ZmqPoller.POLLIN);
		ZmqPoller.Item inboxItem = poller.register(inbox, ZmqPoller.POLLIN);
		ZmqPoller.Item zapItem = (zap != null) ? poller.register(zap, ZmqPoller.POLLIN) : null;
		while (this.running) {
			poller.poll(-1);
			if (inboxItem.readyEvents() != 0) {
				List<byte[]> answer = inbox.receiveMessage(true);
				while (answer != null) {
					if (answer.size() == 1 && answer.get(0).length == 0) {
						return;
					}
					backend.sendMessage(answer, false);
					answer = inbox.receiveMessage(true);
				}
			}
			if (frontendItem.readyEvents() != 0) {
				List<byte[]> message = frontend.receiveMessage(true);
				while (message != null) {
					if (isRequest(message)) {
						received(message);
					}
					else {
						backend.sendMessage(message, false);
					}
					message = frontend.receiveMessage(true);
				}
			}
			if (backendItem.readyEvents() != 0) {
				while (backend.receive(ZmqSocket.DONTWAIT) != null) {
					// Subscriptions: the frontend takes every topic already.
				}
			}
			if (zap != null && zapItem != null && zapItem.readyEvents() != 0) {
				authenticate(zap);
			}
		}
	}

	private static boolean isRequest(List<byte[]> message) {
		String topic = message.isEmpty() ? "" : new String(message.get(0), StandardCharsets.UTF_8);
		return topic.equals(CONTEXT_TOPIC) || topic.equals(STATE_TOPIC);
	}

	private void received(List<byte[]> message) {
		if (message.size() != 2) {
			refuse(null, "a request has two frames, the topic and a JSON object, but this one has " + message.size(),
					describe(message));
			return;
		}
		String text = new String(message.get(1), StandardCharsets.UTF_8);
		JsonNode root;
		try {
			root = this.json.readTree(text);
		}
		catch (JacksonException ex) {
			refuse(null, "the message is not JSON: " + ex.getOriginalMessage(), text);
			return;
		}
		ContextRequest request;
		try {
			request = ContextRequest.of(root);
		}
		catch (ContextRequest.BadRequestException ex) {
			refuse(root.isObject() ? root.get("header") : null, String.valueOf(ex.getMessage()), text);
			return;
		}
		try {
			this.actions.execute(() -> carryOut(request, text));
		}
		catch (RejectedExecutionException ex) {
			refuse(root.get("header"), "the application is stopping", text);
		}
	}

	private static String describe(List<byte[]> message) {
		return message.stream()
			.map((frame) -> new String(frame, StandardCharsets.UTF_8))
			.collect(Collectors.joining("', '", "['", "']"));
	}

	private void carryOut(ContextRequest request, String text) {
		ContextState state;
		try {
			state = act(request);
		}
		catch (ContextRequest.BadRequestException | IllegalArgumentException | IllegalStateException ex) {
			refuse(header(request), String.valueOf(ex.getMessage()), text);
			return;
		}
		catch (RuntimeException ex) {
			logger.warn("Context bus: " + request.action().wireName() + " of transaction " + request.transaction()
					+ " failed", ex);
			answer(ERROR_TOPIC, header(request), error(failure(ex), text));
			return;
		}
		Map<String, Object> content = new LinkedHashMap<>();
		content.put("state", state);
		answer(STATE_TOPIC, header(request), content);
	}

	private ContextState act(ContextRequest request) {
		String transaction = request.transaction();
		if (request.action() == ContextAction.REQUEST) {
			return this.control.state(transaction);
		}
		String serviceId = request.serviceId();
		if (request.forService() && serviceId != null) {
			return this.control.act(transaction, serviceId, request.action());
		}
		return switch (request.action()) {
			case START -> start(request);
			case STOP -> this.control.stop(transaction);
			case RESTART -> this.control.restart(transaction);
			case REQUEST -> this.control.state(transaction);
		};
	}

	private ContextState start(ContextRequest request) {
		ContextDefinition definition = request.definition();
		String context = request.contextName();
		if (definition != null && context != null) {
			throw new ContextRequest.BadRequestException(
					"content names a context and gives a definition; give one of them");
		}
		if (definition != null) {
			return this.control.start(request.transaction(), definition);
		}
		if (context != null) {
			return this.control.start(request.transaction(), context);
		}
		return this.control.start(request.transaction());
	}

	private static String failure(RuntimeException ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.toString();
	}

	private Map<String, @Nullable Object> header(ContextRequest request) {
		Map<String, @Nullable Object> header = new LinkedHashMap<>();
		header.put("service_name", request.serviceName());
		header.put("service_id", request.serviceId());
		header.put("transaction", request.transaction());
		header.put("action", request.action().wireName());
		return header;
	}

	private void refuse(@Nullable Object header, String reason, String message) {
		logger.warn("Context bus: refused a request: " + reason + "; request: " + shortened(message));
		answer(ERROR_TOPIC, (header instanceof JsonNode node && node.isObject()) ? node : (header != null) ? header
				: this.json.createObjectNode(), error(reason, message));
	}

	private static Map<String, Object> error(String reason, String message) {
		Map<String, Object> content = new LinkedHashMap<>();
		content.put("error", reason);
		content.put("request", shortened(message));
		return content;
	}

	private static String shortened(String message) {
		return (message.length() <= LOGGED_MESSAGE_CHARS) ? message
				: message.substring(0, LOGGED_MESSAGE_CHARS) + "… (" + message.length() + " characters)";
	}

	private void answer(String topic, Object header, Map<String, ?> content) {
		ObjectNode answer = this.json.createObjectNode();
		answer.set("header", this.json.valueToTree(header));
		answer.set("content", this.json.valueToTree(content));
		send(topic.getBytes(StandardCharsets.UTF_8), this.json.writeValueAsBytes(answer));
	}

	/**
	 * Hand frames to the bus's thread, which publishes them on the backend.
	 */
	private void send(byte[]... frames) {
		synchronized (this.outboxLock) {
			if (!this.running && frames[0] != STOP) {
				return;
			}
			if (this.outbox == null) {
				this.outbox = ZmqSupport.createSocket(this.zmq, ZmqSocketType.PUSH);
				this.outbox.setLinger(0);
				this.outbox.connect(this.outboxAddress);
			}
			this.outbox.sendMessage(Arrays.asList(frames), true);
		}
	}

	/**
	 * Answer a ZAP request: CURVE clients whose public key is listed are let in.
	 */
	private void authenticate(ZmqSocket zap) {
		List<byte[]> frames = zap.receiveMessage(true);
		if (frames == null) {
			return;
		}
		if (frames.size() < 6) {
			return;
		}
		String mechanism = new String(frames.get(5), StandardCharsets.UTF_8);
		byte[] key = (frames.size() > 6) ? frames.get(6) : new byte[0];
		boolean allowed = "CURVE".equals(mechanism) && this.curve != null && this.curve.allows(key);
		if (!allowed) {
			logger.warn("Context bus: refused a " + mechanism + " client from "
					+ new String(frames.get(3), StandardCharsets.UTF_8) + " with public key "
					+ ((key.length == Z85.KEY_SIZE) ? Z85.encode(key) : "(none)")
					+ ", which butler.context.bus.curve.client-keys does not list");
		}
		zap.sendMessage(List.of(utf8("1.0"), frames.get(1), utf8(allowed ? "200" : "400"),
				utf8(allowed ? "OK" : "Not an authorized client key"), utf8(allowed ? Z85.encode(key) : ""), new byte[0]),
				false);
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Where the bus binds.
	 *
	 * @param frontend the XSUB socket's address, where clients connect to publish requests
	 * @param frontendProperty the property that sets it, for errors
	 * @param backend the XPUB socket's address, where clients connect to subscribe to answers
	 * @param backendProperty the property that sets it, for errors
	 */
	public record Endpoints(String frontend, String frontendProperty, String backend, String backendProperty) {

	}

	/**
	 * The CURVE keys that secure the bus: it is the server; clients must know its public key, and if
	 * client keys are listed, have one of them.
	 *
	 * @param secretKey the bus's secret key, Z85 (40 characters)
	 * @param clientKeys the public keys of the clients let in, Z85; empty for any client that
	 * knows the bus's public key
	 */
	public record Curve(String secretKey, List<String> clientKeys) {

		public Curve {
			clientKeys = List.copyOf(clientKeys);
		}

		byte[] secret() {
			return Z85.decode(this.secretKey);
		}

		boolean allows(byte[] key) {
			return this.clientKeys.stream().anyMatch((allowed) -> Arrays.equals(Z85.decode(allowed), key));
		}

	}

}
