package dev.butler.control;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;

import dev.butler.protocol.AgentDescriptor;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.State;
import dev.butler.protocol.iccp.IccpMessage;
import dev.butler.protocol.iccp.IccpProtocolException;
import dev.butler.runtime.BoundConfiguration;
import dev.butler.runtime.MicroServiceRunner;
import dev.butler.runtime.ServiceDefinition;
import dev.butler.runtime.ServiceRuntime;
import dev.butler.runtime.ServiceStatistics;
import dev.butler.service.ResourceSnapshot;
import dev.butler.service.ScheduledAction;
import dev.butler.service.ServiceResource;

/**
 * Runs a local Butler service as a {@link SmartLifecycle}: {@code start()} is warm-up ending in
 * READY, {@code stop()} is ICCP STOP ending in FINISHED. Unless the service has an external
 * controller, it is driven by the in-process {@link ButlerController} over an {@code inproc} PAIR.
 * Each successful start publishes a {@link ButlerServiceReadyEvent}.
 */
public final class ManagedMicroService implements ButlerComponent, ApplicationEventPublisherAware {

	/**
	 * Lifecycle phase of Butler services: after the task scheduler starts ({@code MAX_VALUE / 2}) and
	 * before the web server ({@code MAX_VALUE - 2048}), so services stop after the web server drained
	 * and before the scheduler.
	 */
	public static final int DEFAULT_PHASE = Integer.MAX_VALUE - 4096;

	private static final Log logger = LogFactory.getLog(ManagedMicroService.class);

	private final ServiceDefinition definition;

	private final ComponentOptions options;

	private final ButlerController controller;

	private final ServiceRuntime runtime;

	private final ServiceStatistics statistics = new ServiceStatistics();

	private volatile @Nullable MicroServiceRunner runner;

	/** Resource counts of the runs before the current one; see {@link #resourceCounts()}. */
	private volatile CountHistory countHistory = new CountHistory(List.of(), null);

	/** Kind and name of the resources seen, by resource; weak, so that past runs' resources go. */
	private final Map<ServiceResource, ResourceName> resourceNames = Collections
		.synchronizedMap(new WeakHashMap<>());

	private volatile @Nullable ControlConnection connection;

	private @Nullable ApplicationEventPublisher eventPublisher;

	private volatile @Nullable RunListener runListener;

	private volatile @Nullable Runnable insteadOfNextStart;

	private volatile List<ButlerComponent> dependencies = List.of();

	/** The local services that depend on this one, which stop before it. */
	private final List<ManagedMicroService> dependents = new CopyOnWriteArrayList<>();

	/** The run that {@link #stop(Runnable)} was last called for. */
	private volatile @Nullable MicroServiceRunner stopped;

	/** Completed when the current run ended and its end was told to the run listener. */
	private volatile @Nullable CompletableFuture<Void> runEnd;

	/**
	 * Create a managed service.
	 * @param definition the service
	 * @param options how to run it
	 * @param controller the in-process controller
	 * @param runtime what all services share
	 */
	public ManagedMicroService(ServiceDefinition definition, ComponentOptions options, ButlerController controller,
			ServiceRuntime runtime) {
		this.definition = definition;
		this.options = options;
		this.controller = controller;
		this.runtime = runtime;
	}

	@Override
	public String id() {
		return this.definition.id();
	}

	@Override
	public Kind kind() {
		return Kind.SERVICE;
	}

	@Override
	public AgentDescriptor agent() {
		return this.definition.agent();
	}

	@Override
	public @Nullable PeerDescriptor peer() {
		MicroServiceRunner current = this.runner;
		return (current != null) ? current.peer() : null;
	}

	@Override
	public State state() {
		MicroServiceRunner current = this.runner;
		return (current != null) ? current.state() : State.UNKNOWN;
	}

	@Override
	public Outcome outcome() {
		MicroServiceRunner current = this.runner;
		return (current != null) ? current.outcome() : Outcome.UNKNOWN;
	}

	@Override
	public List<String> details() {
		MicroServiceRunner current = this.runner;
		return (current != null) ? current.details() : List.of();
	}

	@Override
	public Map<String, List<String>> endpoints() {
		MicroServiceRunner current = this.runner;
		return (current != null) ? current.endpoints() : Map.of();
	}

	@Override
	public @Nullable Instant startedAt() {
		MicroServiceRunner current = this.runner;
		return (current != null) ? current.startedAt() : null;
	}

	@Override
	public boolean isOptional() {
		return this.options.optional();
	}

	@Override
	public @Nullable String controlAddress() {
		if (this.options.controlAddress() != null) {
			return this.options.controlAddress();
		}
		ControlConnection current = this.connection;
		return (current != null) ? current.address() : null;
	}

	@Override
	public List<ScheduledAction> scheduledActions() {
		MicroServiceRunner current = this.runner;
		return (current != null) ? current.scheduledActions() : List.of();
	}

	@Override
	public ServiceStatistics statistics() {
		return this.statistics;
	}

	@Override
	public List<ResourceSnapshot> resources() {
		MicroServiceRunner current = this.runner;
		if (current == null) {
			return List.of();
		}
		List<ResourceSnapshot> snapshots = new ArrayList<>();
		for (ServiceResource resource : current.resources()) {
			ResourceSnapshot snapshot = resource.describe();
			if (snapshot != null) {
				this.resourceNames.put(resource, new ResourceName(snapshot.kind(), snapshot.name()));
				snapshots.add(snapshot);
			}
		}
		return List.copyOf(snapshots);
	}

	@Override
	public List<ResourceCount> resourceCounts() {
		// The runner before the history: a new runner is published after the history that holds its
		// predecessor, and a runner that is already in the history is not counted twice.
		MicroServiceRunner current = this.runner;
		CountHistory history = this.countHistory;
		Map<CountKey, ResourceCount> totals = new LinkedHashMap<>();
		history.counts().forEach((count) -> totals.put(CountKey.of(count), count));
		if (current != null && current != history.lastRun()) {
			for (ServiceResource resource : current.resources()) {
				ResourceName name = nameOf(resource);
				if (name == null) {
					continue;
				}
				for (ResourceSnapshot.Count count : resource.counters()) {
					ResourceCount now = new ResourceCount(name.kind(), name.name(), count);
					totals.merge(CountKey.of(now), now, (before, latest) -> latest.count().perRun()
							? new ResourceCount(latest.kind(), latest.resource(),
									latest.count().withValue(before.count().value() + latest.count().value()))
							: latest);
				}
			}
		}
		return List.copyOf(totals.values());
	}

	/**
	 * Return the kind and name of a resource, describing it only the first time: they do not change.
	 */
	private @Nullable ResourceName nameOf(ServiceResource resource) {
		ResourceName name = this.resourceNames.get(resource);
		if (name == null) {
			ResourceSnapshot snapshot = resource.describe();
			if (snapshot == null) {
				return null;
			}
			name = new ResourceName(snapshot.kind(), snapshot.name());
			this.resourceNames.put(resource, name);
		}
		return name;
	}

	@Override
	public String configPrefix() {
		return this.definition.configPrefix();
	}

	@Override
	public List<Object> boundOptions() {
		MicroServiceRunner current = this.runner;
		if (current == null) {
			return List.of();
		}
		List<Object> bound = new ArrayList<>();
		bound.add(this.options);
		bound.addAll(current.bound().all());
		return List.copyOf(bound);
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	/**
	 * Set what is told of this service's runs, e.g. its supervisor.
	 * @param runListener the listener
	 */
	public void setRunListener(RunListener runListener) {
		this.runListener = runListener;
	}

	/**
	 * Set the components this service depends on: it starts only while all of them run, and a local
	 * service among them stops only after this one finished (or its stop timeout passed).
	 * @param dependencies the components, e.g. those named by {@code butler.services.<id>.depends-on}
	 */
	public void setDependencies(List<? extends ButlerComponent> dependencies) {
		this.dependencies = List.copyOf(dependencies);
		for (ButlerComponent dependency : dependencies) {
			if (dependency instanceof ManagedMicroService service) {
				service.dependents.add(this);
			}
		}
	}

	/**
	 * Return the components this service depends on.
	 * @return the dependencies, empty if none
	 */
	public List<ButlerComponent> dependencies() {
		return this.dependencies;
	}

	/**
	 * Return the service definition.
	 * @return the definition
	 */
	public ServiceDefinition definition() {
		return this.definition;
	}

	/**
	 * Make the next {@link #start()} run {@code instead} rather than start: while the application
	 * starts, {@link ServiceStartup} started this component, or tried to, and the start of its phase
	 * that follows only repeats the outcome, e.g. throws the failure again. A stop in between
	 * cancels it, so that a restart (a new leader's options, say) really starts.
	 * @param instead what the next start runs, {@code null} to start again
	 */
	void insteadOfNextStart(@Nullable Runnable instead) {
		this.insteadOfNextStart = instead;
	}

	@Override
	public synchronized void start() {
		Runnable instead = this.insteadOfNextStart;
		if (instead != null) {
			this.insteadOfNextStart = null;
			instead.run();
			return;
		}
		if (isRunning()) {
			return;
		}
		for (ButlerComponent dependency : this.dependencies) {
			if (!dependency.isRunning()) {
				startFailed(new ComponentControlException("Butler service '" + id() + "' depends on '"
						+ dependency.id() + "', which is not running (" + dependency.state() + ")"));
				return;
			}
		}
		BoundConfiguration bound = this.runtime.configBinder().bind(this.definition);
		MicroServiceRunner newRunner = new MicroServiceRunner(this.definition, bound, this.runtime, this.statistics);
		closeConnection();
		MicroServiceRunner previous = this.runner;
		if (previous != null) {
			this.countHistory = new CountHistory(resourceCounts(), previous);
		}
		this.runner = newRunner;
		this.runEnd = null;
		try {
			if (this.options.controlAddress() != null) {
				newRunner.start(this.options.controlAddress());
				await(newRunner.warmUp());
			}
			else {
				ControlConnection newConnection = this.controller.openInproc(id(),
						"inproc://butler-control/" + id() + "/" + UUID.randomUUID(), new RunnerListener());
				this.connection = newConnection;
				newRunner.start(newConnection.address());
				await(newConnection.ready().exceptionallyCompose((failure) -> newRunner.warmUp()
					.handle((ignored, cause) -> {
						throw (cause != null)
								? new ComponentControlException(ComponentControlException.messageOf(unwrap(failure)),
										unwrap(cause))
								: new CompletionException(failure);
					}))
					.applyToEither(newRunner.unheardFailure().thenApply((ignored) -> (IccpMessage.Ready) null), (ready) -> ready));
			}
			logger.info("Butler service '" + id() + "' is ready" + (endpoints().isEmpty() ? "" : ", bound to " + endpoints()));
			if (this.eventPublisher != null) {
				this.eventPublisher.publishEvent(new ButlerServiceReadyEvent(this));
			}
			RunListener listener = this.runListener;
			if (listener != null) {
				listener.started(this);
			}
			this.runEnd = newRunner.termination().whenComplete((ignored, failure) -> runEnded(newRunner));
		}
		catch (ComponentControlException ex) {
			newRunner.abandon(ex);
			startFailed(ex);
		}
	}

	/**
	 * Fail the start, unless the service is optional: then warn and go on without it.
	 */
	private void startFailed(ComponentControlException ex) {
		RunListener listener = this.runListener;
		if (listener != null) {
			listener.startFailed(this, ex);
		}
		if (!isOptional()) {
			throw ex;
		}
		logger.warn("Optional Butler service '" + id() + "' did not start: " + ex.getMessage());
	}

	/**
	 * Return a future completed when the run ended and, if it reached READY, its end was told.
	 */
	private CompletableFuture<?> ended(MicroServiceRunner run) {
		CompletableFuture<Void> end = this.runEnd;
		return (end != null && this.runner == run) ? end : run.termination();
	}

	private void runEnded(MicroServiceRunner run) {
		RunListener listener = this.runListener;
		if (listener != null) {
			RunEnding ending = (this.stopped == run) ? RunEnding.STOPPED : RunEnding.of(run.state(), run.outcome());
			Instant readyAt = run.readyAt();
			Duration upFor = (readyAt != null) ? Duration.between(readyAt, this.runtime.clock().instant()) : Duration.ZERO;
			listener.runEnded(this, ending, upFor.isNegative() ? Duration.ZERO : upFor);
		}
	}

	private void await(CompletableFuture<?> warmUp) {
		Duration timeout = this.options.warmUpTimeout();
		try {
			warmUp.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new ComponentControlException(
					"Butler service '" + id() + "' did not report READY within " + timeout.toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof ComponentControlException control) {
				throw control;
			}
			throw new ComponentControlException("Butler service '" + id() + "' failed to warm up: " + cause.getMessage(),
					cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ComponentControlException("Interrupted while Butler service '" + id() + "' warmed up", ex);
		}
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	@Override
	public synchronized void stop(Runnable callback) {
		// A stop ends what ServiceStartup started: the start after it is a start again.
		this.insteadOfNextStart = null;
		MicroServiceRunner current = this.runner;
		this.stopped = current;
		RunListener listener = this.runListener;
		if (listener != null) {
			listener.stopRequested(this);
		}
		if (current == null || current.state().isTerminal()) {
			callback.run();
			return;
		}
		List<CompletableFuture<?>> dependentsEnding = this.dependents.stream()
			.map(ManagedMicroService::runEnding)
			.filter((ending) -> !ending.isDone())
			.toList();
		if (dependentsEnding.isEmpty()) {
			sendStop(current, callback);
		}
		else {
			// Dependents first: they may use this service until they finished.
			CompletableFuture.allOf(dependentsEnding.toArray(CompletableFuture[]::new))
				.completeOnTimeout(null, this.options.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)
				.whenComplete((ignored, failure) -> sendStop(current, callback));
		}
	}

	/**
	 * Return a future completed when the current run has ended, at once if none runs.
	 */
	private CompletableFuture<?> runEnding() {
		MicroServiceRunner current = this.runner;
		return (current == null || current.state().isTerminal()) ? CompletableFuture.completedFuture(null)
				: ended(current);
	}

	private synchronized void sendStop(MicroServiceRunner current, Runnable callback) {
		if (current.state().isTerminal()) {
			callback.run();
			return;
		}
		Duration timeout = this.options.stopTimeout();
		CompletableFuture<?> finished;
		ControlConnection control = this.connection;
		if (control != null) {
			// Wait for the run to end rather than for the answer: a service that is finishing on its own,
			// e.g. after its data pipe closed, answers no STOP, and a STOP that cannot be sent stops it directly.
			control.request(IccpMessage.STOP, timeout).whenComplete((answer, failure) -> {
				if (failure != null) {
					current.requestStop();
				}
			});
			finished = ended(current);
		}
		else {
			current.requestStop();
			finished = ended(current);
		}
		this.controller.orTimeout(finished, timeout);
		finished.whenComplete((result, failure) -> {
			if (failure != null) {
				logger.error((failure instanceof TimeoutException)
						? "Butler service '" + id() + "' did not finish within " + timeout.toMillis()
								+ " ms of STOP; its thread is at " + current.where()
						: "Butler service '" + id() + "' could not be stopped over ICCP: " + failure.getMessage());
				current.requestStop();
			}
			else {
				logOutcome(current.state() + " with outcome " + current.outcome(), current.outcome(), current.details());
			}
			callback.run();
		});
	}

	@Override
	public ConfigurationReply configure(Map<String, Object> options) {
		if (this.options.controlAddress() != null) {
			return new ConfigurationReply(false, "Butler service '" + id()
					+ "' is controlled by the external controller at " + this.options.controlAddress());
		}
		ControlConnection control = this.connection;
		if (control == null || !isRunning()) {
			return new ConfigurationReply(false, "Butler service '" + id() + "' is not running");
		}
		ConfigurationReply reply = control.configure(options, this.options.stopTimeout());
		RunListener listener = this.runListener;
		if (reply.accepted() && listener != null) {
			listener.configured(this);
		}
		return reply;
	}

	@Override
	public boolean isRunning() {
		MicroServiceRunner current = this.runner;
		return current != null && current.warmUp().isDone() && !current.warmUp().isCompletedExceptionally()
				&& !current.state().isTerminal();
	}

	@Override
	public boolean isAutoStartup() {
		return this.options.autoStartup();
	}

	@Override
	public int getPhase() {
		return DEFAULT_PHASE;
	}

	private void closeConnection() {
		ControlConnection current = this.connection;
		this.connection = null;
		if (current != null) {
			current.close();
		}
	}

	/**
	 * Resource counts summed over the runs before the current one.
	 *
	 * @param counts the counts
	 * @param lastRun the last run they include, {@code null} for none
	 */
	private record CountHistory(List<ResourceCount> counts, @Nullable MicroServiceRunner lastRun) {

	}

	private record ResourceName(String kind, String name) {

	}

	/**
	 * What tells a count apart from the others of a service.
	 */
	private record CountKey(String kind, String resource, String name, Map<String, String> tags) {

		static CountKey of(ResourceCount count) {
			return new CountKey(count.kind(), count.resource(), count.count().name(), count.count().tags());
		}

	}

	/**
	 * Log how a run ended: at ERROR with its reason for outcome ERROR, otherwise at INFO, with the
	 * details if there are any.
	 */
	private void logOutcome(String how, Outcome outcome, List<String> details) {
		String message = "Butler service '" + id() + "' " + how
				+ (details.isEmpty() ? "" : ": " + String.join("; ", details));
		if (outcome == Outcome.ERROR) {
			logger.error(message);
		}
		else {
			logger.info(message);
		}
	}

	/**
	 * Logs what the service reports on its own. Its state is read from the runner.
	 */
	private final class RunnerListener implements ControlListener {

		@Override
		public void aborted(IccpMessage.Error error) {
			logger.error("Butler service '" + id() + "' aborted: " + error.message());
		}

		@Override
		public void finished(IccpMessage.Finished finished) {
			logOutcome("finished on its own with outcome " + finished.outcome(), finished.outcome(), finished.details());
		}

		@Override
		public void malformed(IccpProtocolException problem) {
			logger.error("Butler service '" + id() + "' broke ICCP: " + problem.getMessage());
		}

	}

}
