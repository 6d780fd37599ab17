package dev.butler.runtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.State;
import dev.butler.protocol.config.ConfigProtoMapper;
import dev.butler.protocol.iccp.IccpCodec;
import dev.butler.protocol.iccp.IccpMessage;
import dev.butler.protocol.iccp.IccpProtocolException;
import dev.butler.runtime.ServiceStatistics.RecordedError;
import dev.butler.service.ConfigurationRequest;
import dev.butler.service.MicroService;
import dev.butler.service.ScheduledAction;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceResource;
import dev.butler.zeromq.ZmqPoller;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * Runs one {@link ServiceDefinition service} once, as Saturnin's {@code MicroService} does: on a
 * loop thread of {@link ButlerThreads} it connects the ICCP control channel, warms up, reports
 * READY and serves until told to stop, then reports FINISHED. Control messages are served first,
 * then sockets ready for output, then sockets with input, then due scheduled actions. What the
 * service registers lives in its {@link RunContext}; the run closes every socket it opened, so the
 * loop thread takes nothing of it to the next run.
 */
public final class MicroServiceRunner {

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

	private final RunContext context;

	private final MicroService<@Nullable Object> service;

	private final ServiceRuntime runtime;

	private final ServiceStatistics statistics;

	/** The resources opened so far, in opening order, closed last opened first. */
	private final List<ServiceResource> openResources = new ArrayList<>();

	private final CompletableFuture<Void> warmUp = new CompletableFuture<>();

	private final CompletableFuture<Void> termination = new CompletableFuture<>();

	/** Failed when the warm-up failed before a control socket existed to report it; see {@link #unheardFailure()}. */
	private final CompletableFuture<Void> unheardFailure = new CompletableFuture<>();

	private volatile State state = State.UNKNOWN;

	private volatile Outcome outcome = Outcome.UNKNOWN;

	private volatile List<String> details = List.of();

	private volatile @Nullable Instant startedAt;

	private volatile @Nullable Instant readyAt;

	private volatile @Nullable Throwable abandoned;

	private boolean resourcesAcquired;

	private boolean activitiesStarted;

	private boolean started;

	/** The loop thread while it runs this service, {@code null} before and after. */
	private volatile @Nullable Thread thread;

	private volatile boolean loopEnded;

	/**
	 * Create a runner for one run of a service.
	 * @param definition the service
	 * @param bound the configuration and options bound for this run
	 * @param runtime what all services share
	 * @param statistics the counters of the service, kept across runs
	 */
	public MicroServiceRunner(ServiceDefinition definition, BoundConfiguration bound, ServiceRuntime runtime,
			ServiceStatistics statistics) {
		this.context = new RunContext(definition, bound, runtime, statistics);
		this.service = definition.service();
		this.runtime = runtime;
		this.statistics = statistics;
	}

	/**
	 * Start the service loop on a loop thread, which connects to the controller at
	 * {@code controlAddress}.
	 * @param controlAddress address of the controller's ICCP PAIR socket
	 */
	public synchronized void start(String controlAddress) {
		if (this.started) {
			throw new IllegalStateException("A runner runs its service only once");
		}
		this.started = true;
		this.runtime.threads().startLoop("butler-" + serviceId(), () -> {
			this.thread = Thread.currentThread();
			try {
				run(controlAddress);
			}
			finally {
				this.loopEnded = true;
				this.thread = null;
			}
		});
	}

	/**
	 * Ask the run loop to stop as if the controller had sent STOP. Safe from any thread.
	 */
	public void requestStop() {
		this.context.requestStop();
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
	 * Return a future completed when the service loop has ended, whatever the outcome, after it
	 * closed its sockets.
	 * @return the termination future
	 */
	public CompletableFuture<Void> termination() {
		return this.termination;
	}

	/**
	 * Return a future that fails when the warm-up failed before the service had a control socket,
	 * e.g. because the ZeroMQ context holds no more sockets: no ICCP ERROR tells the controller
	 * then. It never completes otherwise.
	 * @return the future
	 */
	public CompletableFuture<Void> unheardFailure() {
		return this.unheardFailure;
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
	public @Nullable Instant startedAt() {
		return this.startedAt;
	}

	/**
	 * Return when the service reported READY, or {@code null} before.
	 * @return the time of READY
	 */
	public @Nullable Instant readyAt() {
		return this.readyAt;
	}

	/**
	 * Describe what the loop thread of this run is doing: the top of its stack, e.g. for a service that does
	 * not stop in time.
	 * @return the frames, one per line, or a note that the loop has not started or has ended
	 */
	public String where() {
		Thread current = this.thread;
		if (current == null) {
			return "no frame: the thread of service '" + serviceId() + "' "
					+ (this.loopEnded ? "has ended" : "has not started");
		}
		return ButlerThreads.where(current);
	}

	/**
	 * Return the identity of this run.
	 * @return the peer descriptor
	 */
	public PeerDescriptor peer() {
		return this.context.peer();
	}

	/**
	 * Return the endpoints bound for this run, by channel name; empty before warm-up and after the
	 * run.
	 * @return the bound addresses
	 */
	public Map<String, List<String>> endpoints() {
		return this.context.endpoints();
	}

	/**
	 * Return the actions currently scheduled.
	 * @return the scheduled actions
	 */
	public List<ScheduledAction> scheduledActions() {
		return this.context.schedule().scheduled();
	}

	/**
	 * Return what was bound from the service's configuration prefix for this run.
	 * @return the configuration and options
	 */
	public BoundConfiguration bound() {
		return this.context.bound();
	}

	/**
	 * Return the resources the service registered.
	 * @return the resources, in registration order
	 */
	public List<ServiceResource> resources() {
		return List.copyOf(this.context.resources());
	}

	private String serviceId() {
		return this.context.serviceId();
	}

	private void run(String controlAddress) {
		ZmqSocket control = null;
		try {
			this.startedAt = this.runtime.clock().instant();
			this.runtime.ipc()
				.checkSocket(controlAddress, "Control channel of service '" + serviceId() + "' cannot connect to");
			control = ZmqSupport.createSocket(this.runtime.zmq(), ZmqSocketType.PAIR);
			control.setSendHighWaterMark(5);
			control.setReceiveHighWaterMark(5);
			control.setLinger(1000);
			control.setSendTimeout(5000);
			control.setHandshakeInterval(CONTROL_HANDSHAKE_MILLIS);
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
			if (control == null) {
				this.unheardFailure.completeExceptionally(failure);
			}
			this.warmUp.completeExceptionally(failure);
			return;
		}
		this.readyAt = this.runtime.clock().instant();
		this.state = State.RUNNING;
		this.warmUp.complete(null);
		send(control, new IccpMessage.Ready(this.context.peer(), this.context.endpoints()));
		try {
			LoopPoller poller = new LoopPoller(this.context.poller(), control, this.context.channels().live());
			serve(control, poller);
			this.state = State.STOPPED;
			this.activitiesStarted = false;
			this.service.stopActivities();
			closeResources("Service '" + serviceId() + "' stopped");
			settleResources(control, poller);
			drainPools();
			this.resourcesAcquired = false;
			this.service.releaseResources();
			runCleanups();
			List<String> error = this.context.errorDetails();
			if (error != null) {
				this.outcome = Outcome.ERROR;
				this.details = error;
				this.statistics.recordError(new RecordedError(this.runtime.clock().instant(), "run", error));
			}
			else {
				this.outcome = Outcome.OK;
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
		BoundConfiguration bound = this.context.bound();
		for (Object options : bound.all()) {
			this.runtime.ipc().checkOptions(options, this.context::propertyName);
		}
		ColdStartWarmUp.runOnce(this.runtime.zmq());
		initializeService(bound);
		this.context.channels().bindEndpoints();
		this.service.acquireResources();
		this.resourcesAcquired = true;
		this.context.resourcesOpening();
		for (ServiceResource resource : this.context.resources()) {
			resource.open();
			this.openResources.add(resource);
		}
		this.service.startActivities();
		this.activitiesStarted = true;
		this.state = State.READY;
	}

	// The configuration is null for a service of Void, which MicroService<C extends @Nullable Object>
	// allows: NullAway checks the nullness of type arguments only in JSpecify mode (not on Java 17).
	@SuppressWarnings("NullAway")
	private void initializeService(BoundConfiguration bound) throws Exception {
		this.service.initialize(bound.config(), this.context);
	}

	private void serve(ZmqSocket control, LoopPoller poller) throws Exception {
		LoopSchedule schedule = this.context.schedule();
		while (!this.context.stopRequested()) {
			poller.poll(schedule.hasWork() ? 0 : IDLE_POLL_MILLIS);
			if (poller.controlReady()) {
				handleControl(control);
				if (this.context.stopRequested()) {
					break;
				}
			}
			serveChannels(poller);
			schedule.runDue(this.context::stopRequested);
		}
	}

	private void serveChannels(LoopPoller poller) throws Exception {
		List<ZmqChannel> polled = poller.channels();
		for (int i = 0; i < polled.size(); i++) {
			if (polled.get(i).isReady(ZmqPoller.POLLOUT)) {
				polled.get(i).outputReady();
			}
		}
		for (int i = 0; i < polled.size(); i++) {
			if (polled.get(i).isReady(ZmqPoller.POLLIN)) {
				polled.get(i).receive(RECEIVE_BATCH);
			}
		}
	}

	/**
	 * Serve the channels of closed resources until each has settled, e.g. a pipe's peer took its
	 * last messages and disconnected, or until the longest settle timeout has passed. Scheduled
	 * actions no longer run; the controller's messages are taken and a second STOP is ignored.
	 */
	private void settleResources(ZmqSocket control, LoopPoller poller) throws Exception {
		List<ServiceResource> unsettled = new ArrayList<>(this.context.resources());
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
		List<String> more = this.context.outcomeDetails();
		if (!more.isEmpty()) {
			List<String> all = new ArrayList<>(this.details);
			all.addAll(more);
			this.details = List.copyOf(all);
		}
	}

	private void handleControl(ZmqSocket control) {
		List<byte[]> message = control.receiveMessage(true);
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
			this.context.stop();
		}
		else if (request instanceof IccpMessage.Request conf) {
			try {
				this.service
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

	/**
	 * Return the option whose value is {@code address}, e.g. {@code butler.services.writer.pipe-address}.
	 */
	private @Nullable String propertyHolding(String address) {
		for (Object options : this.context.bound().all()) {
			for (Map.Entry<String, String> option : TextOptions.of(options).entrySet()) {
				if (address.equals(option.getValue())) {
					return this.context.propertyName(option.getKey());
				}
			}
		}
		return null;
	}

	private void fail(String phase, Throwable ex, @Nullable ZmqSocket control) {
		this.state = State.ABORTED;
		this.outcome = Outcome.ERROR;
		this.details = ErrorDetails.describe(ex);
		this.statistics.recordError(new RecordedError(this.runtime.clock().instant(), phase.toLowerCase(), this.details));
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
				this.service.stopActivities();
			}
			catch (Throwable ex) {
				logger.warn("Butler service '" + serviceId() + "' failed to stop its activities after a failure", ex);
			}
		}
		closeResources("Service '" + serviceId() + "' failed: " + ErrorDetails.message(failure));
		drainPools();
		if (this.resourcesAcquired) {
			this.resourcesAcquired = false;
			try {
				this.service.releaseResources();
			}
			catch (Throwable ex) {
				logger.warn("Butler service '" + serviceId() + "' failed to release its resources after a failure", ex);
			}
		}
		runCleanups();
	}

	/**
	 * Run the cleanups the service registered, last first; a failure is recorded and the rest still run.
	 */
	private void runCleanups() {
		for (RunContext.Cleanup cleanup : this.context.takeCleanups()) {
			try {
				cleanup.work().run();
			}
			catch (Throwable ex) {
				String detail = "Cleanup '" + cleanup.name() + "' failed: " + ErrorDetails.message(ex);
				logger.warn("Butler service '" + serviceId() + "': " + detail, ex);
				this.statistics.recordError(new RecordedError(this.runtime.clock().instant(), "cleanup",
						List.of(detail)));
				this.context.addOutcomeDetail(detail);
			}
		}
	}

	/**
	 * Let the worker pools run what is queued, each within its drain timeout, before the service
	 * releases its resources; what a pool reports (it did not drain, its tasks' failures) is recorded
	 * as an error of phase {@code pool} and added to the outcome details.
	 */
	private void drainPools() {
		long start = System.nanoTime();
		for (ServiceWorkerPool pool : this.context.takePools()) {
			List<String> report = pool.drain(start);
			if (!report.isEmpty()) {
				this.statistics.recordError(new RecordedError(this.runtime.clock().instant(), "pool", report));
				report.forEach(this.context::addOutcomeDetail);
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

	private void send(ZmqSocket control, IccpMessage message) {
		try {
			if (!control.sendMessage(IccpCodec.encode(message), false)) {
				logger.warn("Service '" + serviceId() + "' could not send ICCP " + message.type() + " to its controller");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Service '" + serviceId() + "' could not send ICCP " + message.type() + " to its controller", ex);
		}
	}

	private void shutdown(@Nullable ZmqSocket control) {
		this.context.schedule().cancelAll();
		this.context.channels().close();
		if (control != null) {
			control.close();
		}
		this.context.poller().close();
	}

}
