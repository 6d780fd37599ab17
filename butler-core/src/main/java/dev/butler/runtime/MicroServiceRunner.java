package dev.butler.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.butler.protocol.AgentDescriptor;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.State;
import dev.butler.protocol.config.ConfigProtoMapper;
import dev.butler.protocol.iccp.IccpCodec;
import dev.butler.protocol.iccp.IccpMessage;
import dev.butler.protocol.iccp.IccpProtocolException;
import dev.butler.service.Channel;
import dev.butler.service.ConfigurationRequest;
import dev.butler.service.MessageHandler;
import dev.butler.service.ScheduledAction;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;
import dev.butler.service.ServiceResource;

/**
 * Runs one {@link ServiceDefinition service} once, as Saturnin's {@code MicroService} does: on a
 * thread of its own it connects the ICCP control channel, warms up, reports READY and serves until
 * told to stop, then reports FINISHED. Control messages are served first, then sockets ready for
 * output, then sockets with input, then due scheduled actions.
 */
public final class MicroServiceRunner implements ServiceContext {

	private static final Log logger = LogFactory.getLog(MicroServiceRunner.class);

	/** Messages taken from one socket before the loop looks at the others again. */
	private static final int RECEIVE_BATCH = 64;

	private static final long IDLE_POLL_MILLIS = 1000;

	/** How often resources are asked to go on settling while the loop serves their channels. */
	private static final long SETTLE_POLL_MILLIS = 10;

	/**
	 * ZMTP handshake limit of the control connection, instead of ZeroMQ's 30 s: a fresh JeroMQ tcp
	 * connection sometimes never starts its handshake, and only this timer makes it reconnect.
	 */
	private static final int CONTROL_HANDSHAKE_MILLIS = 2000;

	private final ServiceDefinition definition;

	private final BoundConfiguration bound;

	private final ServiceRuntime runtime;

	private final ZContext zmq;

	private final ServiceStatistics statistics;

	private final Clock clock;

	private final PeerDescriptor peer = PeerDescriptor.forThisProcess();

	private final Map<String, ZmqChannel> channels = new LinkedHashMap<>();

	private final Map<String, List<String>> endpointsToBind = new LinkedHashMap<>();

	private final List<ServiceResource> resources = new CopyOnWriteArrayList<>();

	/**
	 * The configuration and further options bound for this run, in binding order: what the endpoint
	 * shows, and where an address that fails is looked up.
	 */
	private final List<ServiceResource> openResources = new ArrayList<>();

	private final Queue<ActionTask> dueActions = new ConcurrentLinkedQueue<>();

	private final List<ActionTask> actions = new CopyOnWriteArrayList<>();

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final Executor loopExecutor = (task) -> {
		this.tasks.add(task);
		this.wakeup.wake();
	};

	private final LoopWakeup wakeup = new LoopWakeup();

	private final CompletableFuture<Void> warmUp = new CompletableFuture<>();

	private final CompletableFuture<Void> termination = new CompletableFuture<>();

	private volatile Map<String, List<String>> endpoints = Map.of();

	private volatile State state = State.UNKNOWN;

	private volatile Outcome outcome = Outcome.UNKNOWN;

	private volatile List<String> details = List.of();

	/** Lines added to the details of whatever outcome the service ends with; loop thread only. */
	private final List<String> outcomeDetails = new ArrayList<>();

	private volatile Instant startedAt;

	private volatile boolean stopRequested;

	private volatile Throwable abandoned;

	private boolean resourcesAcquired;

	private boolean activitiesStarted;

	private Thread thread;

	/**
	 * Create a runner for one run of a service.
	 * @param definition the service
	 * @param bound the configuration and options bound for this run
	 * @param runtime what all services share
	 * @param statistics the counters of the service, kept across runs
	 */
	public MicroServiceRunner(ServiceDefinition definition, BoundConfiguration bound, ServiceRuntime runtime,
			ServiceStatistics statistics) {
		this.definition = definition;
		this.bound = bound;
		this.runtime = runtime;
		this.zmq = runtime.zmq();
		this.statistics = statistics;
		this.clock = runtime.clock();
	}

	/**
	 * Start the service thread, which connects to the controller at {@code controlAddress}.
	 * @param controlAddress address of the controller's ICCP PAIR socket
	 */
	public synchronized void start(String controlAddress) {
		if (this.thread != null) {
			throw new IllegalStateException("A runner runs its service only once");
		}
		this.thread = this.runtime.threads().start("butler-" + this.definition.id(), true, () -> run(controlAddress));
	}

	/**
	 * Ask the run loop to stop as if the controller had sent STOP. Safe from any thread.
	 */
	public void requestStop() {
		this.stopRequested = true;
		this.wakeup.wake();
	}

	/**
	 * Give up on this run because its controller gave up waiting for READY: a warm-up still in
	 * progress ends in ABORTED with {@code reason} instead of reporting READY. Safe from any thread.
	 * @param reason why the run was given up, e.g. the warm-up timeout
	 */
	public void abandon(Throwable reason) {
		this.abandoned = reason;
		requestStop();
	}

	/**
	 * Return a future completed when warm-up succeeded, or failed with its cause.
	 * @return the warm-up future
	 */
	public CompletableFuture<Void> warmUp() {
		return this.warmUp;
	}

	/**
	 * Return a future completed when the service thread has ended, whatever the outcome.
	 * @return the termination future
	 */
	public CompletableFuture<Void> termination() {
		return this.termination;
	}

	/**
	 * Return the current state.
	 * @return the state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * Return the outcome, {@link Outcome#UNKNOWN} until the service ended.
	 * @return the outcome
	 */
	public Outcome outcome() {
		return this.outcome;
	}

	/**
	 * Return the details of the outcome, e.g. the error that aborted the service.
	 * @return the detail lines
	 */
	public List<String> details() {
		return this.details;
	}

	/**
	 * Return when warm-up began, or {@code null} before.
	 * @return the start time
	 */
	public Instant startedAt() {
		return this.startedAt;
	}

	/**
	 * Return the actions currently scheduled.
	 * @return the scheduled actions
	 */
	public List<ScheduledAction> scheduledActions() {
		return List.copyOf(this.actions);
	}

	/**
	 * Return what was bound from the service's configuration prefix for this run.
	 * @return the configuration and options
	 */
	public BoundConfiguration bound() {
		return this.bound;
	}

	/**
	 * Return the resources the service registered.
	 * @return the resources, in registration order
	 */
	public List<ServiceResource> resources() {
		return List.copyOf(this.resources);
	}

	@Override
	public String serviceId() {
		return this.definition.id();
	}

	@Override
	public AgentDescriptor agent() {
		return this.definition.agent();
	}

	@Override
	public PeerDescriptor peer() {
		return this.peer;
	}

	@Override
	public String propertyName(String option) {
		return this.definition.configPrefix() + "." + option;
	}

	@Override
	public <T> T options(Class<T> type) {
		return this.bound.options(type);
	}

	@Override
	public void addResource(ServiceResource resource) {
		this.resources.add(resource);
	}

	@Override
	public Channel createChannel(String name, SocketType type, MessageHandler handler) {
		return createChannel(name, type, handler, null);
	}

	@Override
	public Channel createIsolatedChannel(String name, SocketType type, MessageHandler handler) {
		return createChannel(name, type, handler, new ZContext(1));
	}

	private Channel createChannel(String name, SocketType type, MessageHandler handler, ZContext ownContext) {
		if (this.channels.containsKey(name)) {
			if (ownContext != null) {
				ownContext.close();
			}
			throw new IllegalArgumentException(
					"Service '" + serviceId() + "' already has a channel named '" + name + "'");
		}
		ZMQ.Socket socket = ((ownContext != null) ? ownContext : this.zmq).createSocket(type);
		socket.setLinger(0);
		ZmqSupport.limitMessageSize(socket, this.runtime.maxMessageSize());
		this.runtime.socketCustomizer().customize(serviceId(), name, type, socket);
		ZmqChannel channel = new ZmqChannel(name, serviceId(), this.runtime.ipc(), socket, handler,
				this.statistics.channel(name), ownContext);
		this.channels.put(name, channel);
		return channel;
	}

	@Override
	public void addEndpoint(String channel, String address) {
		this.runtime.ipc().checkSocket(address, ((ZmqChannel) channel(channel)).describe() + " cannot bind");
		this.endpointsToBind.computeIfAbsent(channel, (name) -> new ArrayList<>()).add(address);
	}

	@Override
	public Map<String, List<String>> endpoints() {
		return this.endpoints;
	}

	@Override
	public Channel channel(String name) {
		ZmqChannel channel = this.channels.get(name);
		if (channel == null) {
			throw new IllegalArgumentException("Service '" + serviceId() + "' has no channel named '" + name + "'");
		}
		return channel;
	}

	@Override
	public ScheduledAction schedule(String name, Runnable action, Duration delay) {
		return addAction(name, ScheduledAction.Kind.ONCE, delay, action);
	}

	@Override
	public ScheduledAction scheduleAtFixedRate(String name, Runnable action, Duration period) {
		return addAction(name, ScheduledAction.Kind.FIXED_RATE, period, action);
	}

	@Override
	public ScheduledAction scheduleWithFixedDelay(String name, Runnable action, Duration delay) {
		return addAction(name, ScheduledAction.Kind.FIXED_DELAY, delay, action);
	}

	private ScheduledAction addAction(String name, ScheduledAction.Kind kind, Duration interval, Runnable action) {
		// A cancelled action is forgotten at once: its future never runs, so the loop would never see it.
		ActionTask task = new ActionTask(name, kind, interval, action, this.runtime.scheduler(), this::actionDue,
				this.actions::remove);
		this.actions.add(task);
		task.arm(this.clock.instant().plus(interval));
		return task;
	}

	private void actionDue(ActionTask task) {
		this.dueActions.add(task);
		this.wakeup.wake();
	}

	@Override
	public void stop() {
		this.stopRequested = true;
	}

	@Override
	public void stop(List<String> details) {
		this.outcome = Outcome.ERROR;
		this.details = List.copyOf(details);
		this.stopRequested = true;
	}

	@Override
	public void addOutcomeDetail(String detail) {
		this.outcomeDetails.add(detail);
	}

	@Override
	public Executor loopExecutor() {
		return this.loopExecutor;
	}

	@Override
	public Thread startThread(String purpose, Runnable task) {
		return this.runtime.threads().start("butler-" + purpose + "-" + serviceId(), true, task);
	}

	@Override
	public Executor queueSyncExecutor() {
		return this.runtime.threads().queueSync();
	}

	@Override
	public Clock clock() {
		return this.clock;
	}

	@Override
	public Path spoolDirectory() {
		return this.runtime.spoolDirectory();
	}

	@Override
	public ZContext zmqContext() {
		return this.zmq;
	}

	private void run(String controlAddress) {
		ZMQ.Socket control = null;
		try {
			this.startedAt = this.clock.instant();
			this.runtime.ipc()
				.checkSocket(controlAddress, "Control channel of service '" + serviceId() + "' cannot connect to");
			control = this.zmq.createSocket(SocketType.PAIR);
			control.setSndHWM(5);
			control.setRcvHWM(5);
			control.setLinger(1000);
			control.setSendTimeOut(5000);
			control.setHandshakeIvl(CONTROL_HANDSHAKE_MILLIS);
			ZmqSupport.limitMessageSize(control, this.runtime.maxMessageSize());
			control.connect(controlAddress);
			warmUpService();
			Throwable reason = this.abandoned;
			if (reason != null) {
				throw reason;
			}
		}
		catch (Throwable ex) {
			Throwable failure = (ex instanceof EndpointAddressException address)
					? address.withProperty(propertyHolding(address.getAddress())) : ex;
			fail("Warm-up", failure, control);
			this.warmUp.completeExceptionally(failure);
			return;
		}
		this.state = State.RUNNING;
		this.warmUp.complete(null);
		send(control, new IccpMessage.Ready(this.peer, this.endpoints));
		try {
			try (LoopPoller poller = new LoopPoller(control, this.wakeup, this.channels.values())) {
				serve(control, poller);
				this.state = State.STOPPED;
				this.activitiesStarted = false;
				this.definition.service().stopActivities();
				closeResources("Service '" + serviceId() + "' stopped");
				settleResources(control, poller);
			}
			this.resourcesAcquired = false;
			this.definition.service().releaseResources();
			if (this.outcome == Outcome.UNKNOWN) {
				this.outcome = Outcome.OK;
			}
			else if (this.outcome == Outcome.ERROR) {
				this.statistics.recordError();
			}
			addOutcomeDetails();
			send(control, new IccpMessage.Finished(this.outcome, this.details));
			shutdown(control);
			this.state = State.FINISHED;
			this.termination.complete(null);
		}
		catch (Throwable ex) {
			fail("Run", ex, control);
		}
	}

	private void warmUpService() throws Exception {
		for (Object options : this.bound.all()) {
			this.runtime.ipc().checkOptions(options, this::propertyName);
		}
		ColdStartWarmUp.runOnce(this.zmq);
		this.definition.service().initialize(this.bound.config(), this);
		bindEndpoints();
		this.definition.service().acquireResources();
		this.resourcesAcquired = true;
		for (ServiceResource resource : this.resources) {
			resource.open();
			this.openResources.add(resource);
		}
		this.definition.service().startActivities();
		this.activitiesStarted = true;
		this.state = State.READY;
	}

	private void bindEndpoints() {
		Map<String, List<String>> bound = new LinkedHashMap<>();
		this.endpointsToBind.forEach((name, addresses) -> {
			ZmqChannel channel = this.channels.get(name);
			List<String> actual = new ArrayList<>();
			for (String address : addresses) {
				actual.add(channel.bind(address));
			}
			bound.put(name, Collections.unmodifiableList(actual));
		});
		this.endpoints = Collections.unmodifiableMap(bound);
	}

	private void serve(ZMQ.Socket control, LoopPoller poller) throws Exception {
		while (!this.stopRequested) {
			poller.poll((this.dueActions.isEmpty() && this.tasks.isEmpty()) ? IDLE_POLL_MILLIS : 0);
			if (poller.controlReady()) {
				handleControl(control);
				if (this.stopRequested) {
					break;
				}
			}
			serveChannels(poller);
			runDueActions();
		}
	}

	private void serveChannels(LoopPoller poller) throws Exception {
		List<ZmqChannel> polled = poller.channels();
		for (int i = 0; i < polled.size(); i++) {
			if (polled.get(i).isReady(ZMQ.Poller.POLLOUT)) {
				polled.get(i).outputReady();
			}
		}
		for (int i = 0; i < polled.size(); i++) {
			if (polled.get(i).isReady(ZMQ.Poller.POLLIN)) {
				polled.get(i).receive(RECEIVE_BATCH);
			}
		}
	}

	/**
	 * Serve the channels of closed resources until each has settled, e.g. a pipe's peer took its
	 * last messages and disconnected, or until the longest settle timeout has passed. Scheduled
	 * actions no longer run; the controller's messages are taken and a second STOP is ignored.
	 */
	private void settleResources(ZMQ.Socket control, LoopPoller poller) throws Exception {
		List<ServiceResource> unsettled = new ArrayList<>(this.resources);
		unsettled.removeIf(ServiceResource::settle);
		if (unsettled.isEmpty()) {
			return;
		}
		long timeout = unsettled.stream().mapToLong((resource) -> resource.settleTimeout().toNanos()).max().orElse(0);
		long deadline = System.nanoTime() + timeout;
		while (!unsettled.isEmpty() && deadline - System.nanoTime() > 0) {
			poller.poll(SETTLE_POLL_MILLIS);
			if (poller.controlReady()) {
				handleControl(control);
			}
			serveChannels(poller);
			unsettled.removeIf(ServiceResource::settle);
		}
		for (ServiceResource resource : unsettled) {
			try {
				resource.abandon();
			}
			catch (RuntimeException ex) {
				logger.warn("Butler service '" + serviceId() + "' failed to abandon closing " + resource, ex);
			}
		}
	}

	private void addOutcomeDetails() {
		if (!this.outcomeDetails.isEmpty()) {
			List<String> all = new ArrayList<>(this.details);
			all.addAll(this.outcomeDetails);
			this.details = List.copyOf(all);
		}
	}

	private void handleControl(ZMQ.Socket control) {
		ZMsg message = ZMsg.recvMsg(control, ZMQ.DONTWAIT);
		if (message == null) {
			return;
		}
		IccpMessage request;
		try {
			request = IccpCodec.decode(message);
		}
		catch (IccpProtocolException ex) {
			logger.warn("Service '" + serviceId() + "' received a malformed ICCP message: " + ex.getMessage());
			send(control, new IccpMessage.Error("Malformed ICCP message: " + ex.getMessage()));
			return;
		}
		if (request instanceof IccpMessage.Stop) {
			this.stopRequested = true;
		}
		else if (request instanceof IccpMessage.Request conf) {
			try {
				this.definition.service()
					.handleConfigRequest(new ConfigurationRequest(conf.config(), ConfigProtoMapper.toMap(conf.config())));
				send(control, IccpMessage.OK);
			}
			catch (Exception ex) {
				send(control, new IccpMessage.Error(ErrorDetails.message(ex)));
			}
		}
		else {
			send(control, new IccpMessage.Error("Unexpected ICCP " + request.type() + " message from the controller"));
		}
	}

	private void runDueActions() {
		for (int i = this.tasks.size(); i > 0 && !this.stopRequested; i--) {
			this.tasks.poll().run();
		}
		ActionTask task;
		while ((task = this.dueActions.poll()) != null && !this.stopRequested) {
			if (task.isCancelled()) {
				task.dequeued();
				continue;
			}
			Instant started = this.clock.instant();
			Observation.createNotStarted("butler.action", this.runtime.observations())
				.contextualName(serviceId() + " " + task.name())
				.lowCardinalityKeyValue("service", serviceId())
				.lowCardinalityKeyValue("action", task.name())
				.observe(task.action());
			task.ran(started, this.clock.instant());
			if (task.isDone()) {
				this.actions.remove(task);
			}
		}
	}

	/**
	 * Return the option whose value is {@code address}, e.g. {@code butler.services.writer.pipe-address}.
	 */
	private String propertyHolding(String address) {
		for (Object options : this.bound.all()) {
			for (Map.Entry<String, String> option : TextOptions.of(options).entrySet()) {
				if (address.equals(option.getValue())) {
					return propertyName(option.getKey());
				}
			}
		}
		return null;
	}

	private void fail(String phase, Throwable ex, ZMQ.Socket control) {
		this.state = State.ABORTED;
		this.outcome = Outcome.ERROR;
		this.details = ErrorDetails.describe(ex);
		this.statistics.recordError();
		if (isConfigurationFailure(ex)) {
			// The message says all; the controller reports it again as a start-up failure.
			logger.error(phase + " of Butler service '" + serviceId() + "' failed: " + ex.getMessage());
			logger.debug(phase + " of Butler service '" + serviceId() + "' failed", ex);
		}
		else {
			logger.error(phase + " of Butler service '" + serviceId() + "' failed", ex);
		}
		if (control != null) {
			send(control, new IccpMessage.Error(ErrorDetails.message(ex)));
		}
		cleanUpAfterFailure(ex);
		addOutcomeDetails();
		shutdown(control);
		this.termination.complete(null);
	}

	private static boolean isConfigurationFailure(Throwable ex) {
		return ex instanceof ServiceConfigurationException || ex instanceof EndpointAddressException
				|| ex instanceof UnsupportedTransportException;
	}

	/**
	 * Stop what was started and release what was acquired, so that a failure leaks nothing. Failures
	 * here are logged: the service has already failed.
	 */
	private void cleanUpAfterFailure(Throwable failure) {
		if (this.activitiesStarted) {
			this.activitiesStarted = false;
			try {
				this.definition.service().stopActivities();
			}
			catch (Throwable ex) {
				logger.warn("Butler service '" + serviceId() + "' failed to stop its activities after a failure", ex);
			}
		}
		closeResources("Service '" + serviceId() + "' failed: " + ErrorDetails.message(failure));
		if (this.resourcesAcquired) {
			this.resourcesAcquired = false;
			try {
				this.definition.service().releaseResources();
			}
			catch (Throwable ex) {
				logger.warn("Butler service '" + serviceId() + "' failed to release its resources after a failure", ex);
			}
		}
	}

	/**
	 * Close the open resources, last opened first. Failures are logged: closing is best effort.
	 */
	private void closeResources(String reason) {
		while (!this.openResources.isEmpty()) {
			ServiceResource resource = this.openResources.remove(this.openResources.size() - 1);
			try {
				resource.close(reason);
			}
			catch (Throwable ex) {
				logger.warn("Butler service '" + serviceId() + "' failed to close " + resource, ex);
			}
		}
	}

	private void send(ZMQ.Socket control, IccpMessage message) {
		try {
			if (!IccpCodec.toZMsg(message).send(control)) {
				logger.warn("Service '" + serviceId() + "' could not send ICCP " + message.type() + " to its controller");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Service '" + serviceId() + "' could not send ICCP " + message.type() + " to its controller", ex);
		}
	}

	private void shutdown(ZMQ.Socket control) {
		this.actions.forEach(ActionTask::cancel);
		this.actions.clear();
		this.dueActions.clear();
		this.channels.values().forEach(ZmqChannel::close);
		this.endpoints = Map.of();
		if (control != null) {
			control.close();
		}
		this.wakeup.close();
	}

}
