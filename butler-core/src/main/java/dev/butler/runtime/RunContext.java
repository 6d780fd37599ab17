package dev.butler.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

import dev.butler.protocol.AgentDescriptor;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.service.Channel;
import dev.butler.service.MessageHandler;
import dev.butler.service.ScheduledAction;
import dev.butler.service.ServiceContext;
import dev.butler.service.ServiceResource;
import dev.butler.service.WorkerPool;
import dev.butler.service.WorkerPoolOptions;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqPoller;
import dev.butler.zeromq.ZmqSocketType;

/**
 * The {@link ServiceContext} of one run of a service: what the service registers (channels,
 * endpoints, resources, actions) and asks for (a stop, outcome details), kept for the
 * {@link MicroServiceRunner} that serves it.
 */
final class RunContext implements ServiceContext {

	private final ServiceDefinition definition;

	private final BoundConfiguration bound;

	private final ServiceRuntime runtime;

	private final PeerDescriptor peer = PeerDescriptor.forThisProcess();

	/** The loop's poller; {@link ZmqPoller#wake()} from any thread ends its wait. */
	private final ZmqPoller poller;

	private final ServiceChannels channels;

	private final LoopSchedule schedule;

	private final List<ServiceResource> resources = new CopyOnWriteArrayList<>();

	/** Lines added to the details of whatever outcome the service ends with; service thread only. */
	private final List<String> outcomeDetails = new ArrayList<>();

	/** Work to do when the run ends, in registration order; service thread only. */
	private final List<Cleanup> cleanups = new ArrayList<>();

	/** The worker pools, in creation order; service thread only. */
	private final List<ServiceWorkerPool> pools = new ArrayList<>();

	/** Whether the runner has begun opening the resources; service thread only. */
	private boolean resourcesOpen;

	private volatile boolean stopRequested;

	/** What the service gave as the error it stopped for, or {@code null}. */
	private volatile @Nullable List<String> errorDetails;

	RunContext(ServiceDefinition definition, BoundConfiguration bound, ServiceRuntime runtime,
			ServiceStatistics statistics) {
		this.definition = definition;
		this.bound = bound;
		this.runtime = runtime;
		this.channels = new ServiceChannels(definition.id(), runtime, statistics);
		this.poller = runtime.zmq().poller();
		this.schedule = new LoopSchedule(definition.id(), runtime, this.poller::wake);
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
	public Channel createChannel(String name, ZmqSocketType type, @Nullable MessageHandler handler) {
		return this.channels.create(name, type, handler, false);
	}

	@Override
	public Channel createIsolatedChannel(String name, ZmqSocketType type, @Nullable MessageHandler handler) {
		return this.channels.create(name, type, handler, true);
	}

	@Override
	public void addEndpoint(String channel, String address) {
		this.channels.addEndpoint(channel, address);
	}

	@Override
	public Map<String, List<String>> endpoints() {
		return this.channels.endpoints();
	}

	@Override
	public Channel channel(String name) {
		return this.channels.get(name);
	}

	@Override
	public ScheduledAction schedule(String name, Runnable action, Duration delay) {
		return this.schedule.add(name, ScheduledAction.Kind.ONCE, delay, action);
	}

	@Override
	public ScheduledAction scheduleAtFixedRate(String name, Runnable action, Duration period) {
		return this.schedule.add(name, ScheduledAction.Kind.FIXED_RATE, period, action);
	}

	@Override
	public ScheduledAction scheduleWithFixedDelay(String name, Runnable action, Duration delay) {
		return this.schedule.add(name, ScheduledAction.Kind.FIXED_DELAY, delay, action);
	}

	@Override
	public void stop() {
		this.stopRequested = true;
	}

	@Override
	public boolean stopRequested() {
		return this.stopRequested;
	}

	@Override
	public void stop(List<String> details) {
		this.errorDetails = List.copyOf(details);
		this.stopRequested = true;
	}

	@Override
	public void addOutcomeDetail(String detail) {
		this.outcomeDetails.add(detail);
	}

	@Override
	public void addCleanup(String name, Runnable cleanup) {
		this.cleanups.add(new Cleanup(name, cleanup));
	}

	@Override
	public WorkerPool workerPool(String name, WorkerPoolOptions options) {
		return createPool(name, options, null);
	}

	@Override
	public WorkerPool workerPool(String name, WorkerPoolOptions options, Consumer<Throwable> errorObserver) {
		Objects.requireNonNull(errorObserver, "'errorObserver' must not be null");
		return createPool(name, options, errorObserver);
	}

	private WorkerPool createPool(String name, WorkerPoolOptions options, @Nullable Consumer<Throwable> observer) {
		if (!StringUtils.hasText(name)) {
			throw new IllegalArgumentException("A worker pool of service '" + serviceId() + "' needs a name");
		}
		Objects.requireNonNull(options, "'options' must not be null");
		if (this.resourcesOpen) {
			throw new IllegalStateException("Worker pool '" + name + "' of service '" + serviceId()
					+ "' must be created in initialize or acquireResources, before the service's resources open");
		}
		if (this.pools.stream().anyMatch((pool) -> pool.name().equals(name))) {
			throw new IllegalArgumentException("Service '" + serviceId() + "' has a worker pool '" + name + "' already");
		}
		try {
			options.validate();
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"Invalid options of worker pool '" + name + "' of service '" + serviceId() + "': " + ex.getMessage(),
					ex);
		}
		ServiceWorkerPool pool = new ServiceWorkerPool(serviceId(), name, options, observer, this.runtime.threads());
		this.pools.add(pool);
		addResource(pool);
		return pool;
	}

	@Override
	public Executor loopExecutor() {
		return this.schedule.executor();
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
		return this.runtime.clock();
	}

	@Override
	public Path spoolDirectory() {
		return this.runtime.spoolDirectory();
	}

	@Override
	public String resolveAddress(String address) {
		return this.runtime.addressResolver().resolve(address);
	}

	@Override
	public ZmqContext zmqContext() {
		return this.runtime.zmq();
	}

	ServiceDefinition definition() {
		return this.definition;
	}

	BoundConfiguration bound() {
		return this.bound;
	}

	ServiceChannels channels() {
		return this.channels;
	}

	LoopSchedule schedule() {
		return this.schedule;
	}

	ZmqPoller poller() {
		return this.poller;
	}

	List<ServiceResource> resources() {
		return this.resources;
	}

	/**
	 * Ask the loop to stop, from any thread.
	 */
	void requestStop() {
		this.stopRequested = true;
		this.poller.wake();
	}

	/**
	 * Note that the runner opens the resources: worker pools can no longer be created.
	 */
	void resourcesOpening() {
		this.resourcesOpen = true;
	}

	/**
	 * Take the worker pools, to drain them; each is taken once.
	 */
	List<ServiceWorkerPool> takePools() {
		List<ServiceWorkerPool> taken = List.copyOf(this.pools);
		this.pools.clear();
		return taken;
	}

	@Nullable List<String> errorDetails() {
		return this.errorDetails;
	}

	List<String> outcomeDetails() {
		return this.outcomeDetails;
	}

	/**
	 * Take the registered cleanups, last registered first; each is taken once.
	 */
	List<Cleanup> takeCleanups() {
		List<Cleanup> taken = new ArrayList<>(this.cleanups);
		this.cleanups.clear();
		Collections.reverse(taken);
		return taken;
	}

	/**
	 * Work to do when the run ends.
	 *
	 * @param name what it does
	 * @param work the work
	 */
	record Cleanup(String name, Runnable work) {

	}

}
