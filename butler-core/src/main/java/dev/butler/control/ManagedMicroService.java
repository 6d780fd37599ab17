package dev.butler.control;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;

import dev.butler.pipe.DataPipe;
import dev.butler.pipe.PipeCounts;
import dev.butler.pipe.PipeSnapshot;
import dev.butler.protocol.AgentDescriptor;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.State;
import dev.butler.protocol.iccp.IccpMessage;
import dev.butler.protocol.iccp.IccpProtocolException;
import dev.butler.queue.QueueCounts;
import dev.butler.queue.QueueEndpoint;
import dev.butler.queue.QueueSnapshot;
import dev.butler.runtime.BoundConfiguration;
import dev.butler.runtime.MicroServiceRunner;
import dev.butler.runtime.ServiceDefinition;
import dev.butler.runtime.ServiceRuntime;
import dev.butler.runtime.ServiceStatistics;
import dev.butler.service.ScheduledAction;

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

	private volatile MicroServiceRunner runner;

	/** Pipe counters of the runs before the current one; see {@link #pipeTotals()}. */
	private volatile PipeHistory pipeHistory = new PipeHistory(Map.of(), null);

	private volatile ControlConnection connection;

	private ApplicationEventPublisher eventPublisher;

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
	public PeerDescriptor peer() {
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
	public Instant startedAt() {
		MicroServiceRunner current = this.runner;
		return (current != null) ? current.startedAt() : null;
	}

	@Override
	public boolean isOptional() {
		return this.options.optional();
	}

	@Override
	public String controlAddress() {
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
	public List<PipeSnapshot> pipes() {
		MicroServiceRunner current = this.runner;
		return (current != null) ? pipesOf(current).stream().map(DataPipe::describe).toList() : List.of();
	}

	@Override
	public Map<String, PipeCounts> pipeTotals() {
		// The runner before the history: a new runner is published after the history that holds its
		// predecessor, and a runner that is already in the history is not counted twice.
		MicroServiceRunner current = this.runner;
		PipeHistory history = this.pipeHistory;
		Map<String, PipeCounts> totals = new LinkedHashMap<>(history.totals());
		if (current != null && current != history.lastRun()) {
			for (DataPipe pipe : pipesOf(current)) {
				totals.merge(pipe.name(), PipeCounts.of(pipe.statistics()), PipeCounts::plus);
			}
		}
		return Collections.unmodifiableMap(totals);
	}

	@Override
	public List<QueueSnapshot> queues() {
		return queuesOf(this.runner).stream().map(QueueEndpoint::describe).toList();
	}

	@Override
	public Map<String, QueueCounts> queueCounts() {
		Map<String, QueueCounts> counts = new LinkedHashMap<>();
		queuesOf(this.runner).forEach((queue) -> counts.put(queue.queueName(), queue.counts()));
		return Collections.unmodifiableMap(counts);
	}

	private static List<QueueEndpoint> queuesOf(MicroServiceRunner runner) {
		if (runner == null) {
			return List.of();
		}
		return runner.resources()
			.stream()
			.filter(QueueEndpoint.class::isInstance)
			.map(QueueEndpoint.class::cast)
			.toList();
	}

	private static List<DataPipe> pipesOf(MicroServiceRunner runner) {
		return runner.resources()
			.stream()
			.filter(DataPipe.class::isInstance)
			.map(DataPipe.class::cast)
			.toList();
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
	 * Return the service definition.
	 * @return the definition
	 */
	public ServiceDefinition definition() {
		return this.definition;
	}

	@Override
	public synchronized void start() {
		if (isRunning()) {
			return;
		}
		BoundConfiguration bound = this.runtime.configBinder().bind(this.definition);
		MicroServiceRunner newRunner = new MicroServiceRunner(this.definition, bound, this.runtime, this.statistics);
		closeConnection();
		MicroServiceRunner previous = this.runner;
		if (previous != null) {
			this.pipeHistory = new PipeHistory(pipeTotals(), previous);
		}
		this.runner = newRunner;
		try {
			if (this.options.controlAddress() != null) {
				newRunner.start(this.options.controlAddress());
				await(newRunner.warmUp());
			}
			else {
				ControlConnection newConnection = this.controller.open(id(),
						"inproc://butler-control/" + id() + "/" + UUID.randomUUID(), new RunnerListener());
				this.connection = newConnection;
				newRunner.start(newConnection.address());
				await(newConnection.ready().exceptionallyCompose((failure) -> newRunner.warmUp()
					.handle((ignored, cause) -> {
						throw (cause != null) ? new ComponentControlException(unwrap(failure).getMessage(), unwrap(cause))
								: new CompletionException(failure);
					})));
			}
			logger.info("Butler service '" + id() + "' is ready" + (endpoints().isEmpty() ? "" : ", bound to " + endpoints()));
			if (this.eventPublisher != null) {
				this.eventPublisher.publishEvent(new ButlerServiceReadyEvent(this));
			}
		}
		catch (ComponentControlException ex) {
			newRunner.abandon(ex);
			if (!isOptional()) {
				throw ex;
			}
			logger.warn("Optional Butler service '" + id() + "' did not start: " + ex.getMessage());
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
			Throwable cause = ex.getCause();
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
		MicroServiceRunner current = this.runner;
		if (current == null || current.state().isTerminal()) {
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
			finished = current.termination();
		}
		else {
			current.requestStop();
			finished = current.termination();
		}
		finished.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((result, failure) -> {
			if (failure != null) {
				logger.error((failure instanceof TimeoutException)
						? "Butler service '" + id() + "' did not finish within " + timeout.toMillis() + " ms of STOP"
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
		return control.configure(options, this.options.stopTimeout());
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
	 * Pipe counters summed over the runs before the current one.
	 *
	 * @param totals the counters by pipe channel name
	 * @param lastRun the last run they include, {@code null} for none
	 */
	private record PipeHistory(Map<String, PipeCounts> totals, MicroServiceRunner lastRun) {

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
