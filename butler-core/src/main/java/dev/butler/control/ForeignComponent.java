package dev.butler.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.butler.protocol.AgentDescriptor;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.State;
import dev.butler.protocol.iccp.IccpMessage;
import dev.butler.protocol.iccp.IccpProtocolException;
import dev.butler.runtime.EndpointAddressException;
import dev.butler.runtime.ServiceStatistics;
import dev.butler.runtime.ServiceStatistics.RecordedError;
import dev.butler.service.ScheduledAction;

/**
 * A component in another process (a Saturnin service, say) that connects to our controller: start
 * binds the control address and waits for its READY; stop sends STOP and waits for FINISHED. What
 * the component reports is all we know of it.
 */
public final class ForeignComponent implements ButlerComponent {

	private static final Log logger = LogFactory.getLog(ForeignComponent.class);

	private final String id;

	private final ComponentOptions options;

	/** The address to bind: the options' control address, which must be set. */
	private final String address;

	private final boolean configurable;

	private final ButlerController controller;

	private final Clock clock;

	private final ServiceStatistics statistics = new ServiceStatistics();

	private volatile @Nullable ControlConnection connection;

	private volatile State state = State.UNKNOWN;

	private volatile Outcome outcome = Outcome.UNKNOWN;

	private volatile List<String> details = List.of();

	private volatile @Nullable PeerDescriptor peer;

	private volatile Map<String, List<String>> endpoints = Map.of();

	private volatile @Nullable Instant startedAt;

	private volatile @Nullable Runnable insteadOfNextStart;

	/**
	 * Create a foreign component.
	 * @param id the component id
	 * @param options how to control it; {@code controlAddress} is the address to bind
	 * @param configurable whether it advertised support for ICCP REQUEST/CONF
	 * @param controller the controller
	 * @param clock the clock
	 */
	public ForeignComponent(String id, ComponentOptions options, boolean configurable, ButlerController controller,
			Clock clock) {
		String address = options.controlAddress();
		if (address == null || address.isBlank()) {
			throw new IllegalArgumentException("Foreign component '" + id + "' needs a control address");
		}
		this.id = id;
		this.options = options;
		this.address = address;
		this.configurable = configurable;
		this.controller = controller;
		this.clock = clock;
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public Kind kind() {
		return Kind.FOREIGN;
	}

	@Override
	public @Nullable AgentDescriptor agent() {
		return null;
	}

	@Override
	public @Nullable PeerDescriptor peer() {
		return this.peer;
	}

	@Override
	public State state() {
		return this.state;
	}

	@Override
	public Outcome outcome() {
		return this.outcome;
	}

	@Override
	public List<String> details() {
		return this.details;
	}

	@Override
	public Map<String, List<String>> endpoints() {
		return this.endpoints;
	}

	@Override
	public @Nullable Instant startedAt() {
		return this.startedAt;
	}

	@Override
	public boolean isOptional() {
		return this.options.optional();
	}

	@Override
	public String controlAddress() {
		ControlConnection current = this.connection;
		return (current != null) ? current.address() : this.address;
	}

	@Override
	public List<ScheduledAction> scheduledActions() {
		return List.of();
	}

	@Override
	public ServiceStatistics statistics() {
		return this.statistics;
	}

	/**
	 * Make the next {@link #start()} run {@code instead} rather than start: while the application
	 * starts, {@link ServiceStartup} started this component, or tried to, and the start of its phase
	 * that follows only repeats the outcome, e.g. throws the failure again.
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
		closeConnection();
		this.startedAt = this.clock.instant();
		this.state = State.WAITING;
		this.outcome = Outcome.UNKNOWN;
		this.details = List.of();
		Duration timeout = this.options.warmUpTimeout();
		try {
			ControlConnection newConnection = this.controller.open(this.id, this.address, new Listener());
			this.connection = newConnection;
			IccpMessage.Ready ready = newConnection.ready().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			this.peer = ready.peer();
			this.endpoints = ready.endpoints();
			this.state = State.RUNNING;
			logger.info("Foreign component '" + this.id + "' is ready at " + controlAddress());
		}
		catch (TimeoutException ex) {
			ControlConnection current = this.connection;
			abort("Foreign component '" + this.id + "' did not report READY on " + controlAddress() + " (property '"
					+ property("address") + "') within " + timeout.toMillis() + " ms (property '"
					+ property("warm-up-timeout") + "')" + ((current != null) ? current.dropsSince(0) : ""), ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			abort(ComponentControlException.messageOf(cause), cause);
		}
		catch (EndpointAddressException ex) {
			EndpointAddressException named = ex.withProperty(property("address"));
			abort(ComponentControlException.messageOf(named), named);
		}
		catch (ComponentControlException ex) {
			abort(ComponentControlException.messageOf(ex), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			abort("Interrupted while waiting for foreign component '" + this.id + "'", ex);
		}
	}

	private String property(String option) {
		return "butler.components." + this.id + "." + option;
	}

	private void abort(String message, Throwable cause) {
		this.state = State.ABORTED;
		this.outcome = Outcome.ERROR;
		this.details = List.of(message);
		closeConnection();
		if (!isOptional()) {
			throw new ComponentControlException(message, cause);
		}
		logger.warn(message);
	}

	@Override
	public synchronized void stop(Runnable callback) {
		ControlConnection current = this.connection;
		if (current == null || !isRunning()) {
			callback.run();
			return;
		}
		this.state = State.STOPPED;
		Duration timeout = this.options.stopTimeout();
		int dropsBefore = current.drops();
		current.request(IccpMessage.STOP, timeout).whenComplete((answer, failure) -> {
			IccpMessage report = (answer != null) ? answer : current.ending();
			if (report instanceof IccpMessage.Finished finished) {
				this.outcome = finished.outcome();
				this.details = finished.details();
				this.state = State.FINISHED;
			}
			else {
				String reason;
				if (report instanceof IccpMessage.Error error) {
					reason = error.message();
				}
				else if (failure instanceof TimeoutException) {
					reason = "No FINISHED within " + timeout.toMillis() + " ms of STOP" + current.dropsSince(dropsBefore);
				}
				else if (failure != null) {
					reason = ComponentControlException.messageOf(failure);
				}
				else {
					reason = "Unexpected " + ((report != null) ? "ICCP " + report.type() : "empty answer")
							+ " in answer to STOP";
				}
				this.outcome = Outcome.ERROR;
				this.details = List.of(reason);
				this.state = State.ABORTED;
				logger.warn("Foreign component '" + this.id + "' did not finish cleanly: " + reason);
			}
			current.close();
			callback.run();
		});
	}

	@Override
	public ConfigurationReply configure(Map<String, Object> options) {
		ControlConnection current = this.connection;
		if (current == null || !isRunning()) {
			return new ConfigurationReply(false, "Foreign component '" + this.id + "' is not running");
		}
		if (!this.configurable) {
			return new ConfigurationReply(false,
					"Foreign component '" + this.id + "' does not support run-time configuration");
		}
		return current.configure(options, this.options.stopTimeout());
	}

	@Override
	public boolean isRunning() {
		State current = this.state;
		return current == State.RUNNING || current == State.READY;
	}

	@Override
	public boolean isAutoStartup() {
		return this.options.autoStartup();
	}

	@Override
	public int getPhase() {
		return ManagedMicroService.DEFAULT_PHASE;
	}

	private void closeConnection() {
		ControlConnection current = this.connection;
		this.connection = null;
		if (current != null) {
			current.close();
		}
	}

	private final class Listener implements ControlListener {

		@Override
		public void aborted(IccpMessage.Error error) {
			ForeignComponent.this.state = State.ABORTED;
			ForeignComponent.this.outcome = Outcome.ERROR;
			ForeignComponent.this.details = List.of(error.message());
			logger.error("Foreign component '" + ForeignComponent.this.id + "' aborted: " + error.message());
		}

		@Override
		public void finished(IccpMessage.Finished finished) {
			ForeignComponent.this.state = State.FINISHED;
			ForeignComponent.this.outcome = finished.outcome();
			ForeignComponent.this.details = finished.details();
			logger.info("Foreign component '" + ForeignComponent.this.id + "' finished with " + finished.outcome());
		}

		@Override
		public void malformed(IccpProtocolException problem) {
			ForeignComponent.this.details = List.of("Malformed ICCP message: " + problem.getMessage());
			ForeignComponent.this.statistics.recordError(new RecordedError(Instant.now(), "control",
					ForeignComponent.this.details));
			logger.error("Foreign component '" + ForeignComponent.this.id + "' sent a malformed ICCP message: "
					+ problem.getMessage());
		}

	}

}
