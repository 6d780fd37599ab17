package dev.butler.control;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

import dev.butler.protocol.AgentDescriptor;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.State;
import dev.butler.runtime.ServiceStatistics;
import dev.butler.service.ResourceSnapshot;
import dev.butler.service.ScheduledAction;

/**
 * A component under the control of this application: a local Butler service or a foreign component
 * driven over ICCP. This is what {@code /actuator/butler}, health and metrics see. Its lifecycle is
 * the application's: it starts and stops with it.
 */
public interface ButlerComponent extends SmartLifecycle {

	/**
	 * Return the component id, unique in the application.
	 * @return the id
	 */
	String id();

	/**
	 * Return what kind of component this is.
	 * @return the kind
	 */
	Kind kind();

	/**
	 * Return the agent identity, or {@code null} if not known (foreign components).
	 * @return the agent descriptor
	 */
	@Nullable AgentDescriptor agent();

	/**
	 * Return the identity of the running instance, or {@code null} before it reported READY.
	 * @return the peer descriptor
	 */
	@Nullable PeerDescriptor peer();

	/**
	 * Return the current state.
	 * @return the state
	 */
	State state();

	/**
	 * Return the outcome of the last run.
	 * @return the outcome
	 */
	Outcome outcome();

	/**
	 * Return details of the outcome, e.g. the error that aborted the component.
	 * @return the detail lines
	 */
	List<String> details();

	/**
	 * Return the endpoints the component reported bound in READY, by channel name.
	 * @return the endpoints
	 */
	Map<String, List<String>> endpoints();

	/**
	 * Return when the component was last started, or {@code null}.
	 * @return the start time
	 */
	@Nullable Instant startedAt();

	/**
	 * Whether the application can do without this component: its failure does not fail start-up nor
	 * health.
	 * @return {@code true} if optional
	 */
	boolean isOptional();

	/**
	 * Return the address of the ICCP control channel, or {@code null} while not started.
	 * @return the control address
	 */
	@Nullable String controlAddress();

	/**
	 * Return the actions scheduled on the component's loop (local services only).
	 * @return the scheduled actions
	 */
	List<ScheduledAction> scheduledActions();

	/**
	 * Return the message counters (local services only; empty for foreign components).
	 * @return the statistics
	 */
	ServiceStatistics statistics();

	/**
	 * Describe the resources of the current run, e.g. data pipes and directory queues, in the order
	 * the service added them (local services only; empty for foreign components).
	 * @return the snapshots, empty before the first start
	 */
	default List<ResourceSnapshot> resources() {
		return List.of();
	}

	/**
	 * Return the counts of the resources summed over all runs, the current one included: unlike the
	 * counts in {@link #resources()}, they only grow, as {@link #statistics()} do. Cheap: it does not
	 * describe the resources.
	 * @return the counts, with the resource each belongs to
	 */
	default List<ResourceCount> resourceCounts() {
		return List.of();
	}

	/**
	 * Return the prefix its configuration is bound from, or {@code null} if the application does
	 * not bind it (foreign components).
	 * @return the configuration prefix, e.g. {@code butler.services.<id>}
	 */
	default @Nullable String configPrefix() {
		return null;
	}

	/**
	 * Return what was bound from {@link #configPrefix()} for the current run: how the application
	 * runs the component ({@link ComponentOptions}), then the service's configuration, then further
	 * option types it bound; empty before the first start.
	 * @return the bound objects
	 */
	default List<Object> boundOptions() {
		return List.of();
	}

	/**
	 * Start the component and wait until it is READY.
	 * @throws ComponentControlException if it fails to warm up or does not answer in time
	 */
	@Override
	void start();

	/**
	 * Stop the component (ICCP STOP) and wait until it FINISHED or its stop timeout passed.
	 */
	@Override
	default void stop() {
		CountDownLatch stopped = new CountDownLatch(1);
		stop(stopped::countDown);
		try {
			stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Stop the component without waiting; {@code callback} runs once it FINISHED or its stop timeout
	 * passed.
	 * @param callback run when stopped
	 */
	@Override
	void stop(Runnable callback);

	/**
	 * Stop the component, then start it again.
	 */
	default void restart() {
		stop();
		start();
	}

	/**
	 * Send a run-time configuration request (ICCP REQUEST/CONF) and wait for the answer.
	 * @param options the options
	 * @return the component's answer
	 */
	ConfigurationReply configure(Map<String, Object> options);

	/**
	 * Kinds of component.
	 */
	enum Kind {

		/** A Butler service of this application. */
		SERVICE,

		/** A component in another process, driven over ICCP. */
		FOREIGN

	}

	/**
	 * Answer to a configuration request.
	 *
	 * @param accepted whether the component applied the configuration (ICCP OK)
	 * @param message {@code OK} or the error the component returned
	 */
	record ConfigurationReply(boolean accepted, String message) {

	}

	/**
	 * A count of a resource.
	 *
	 * @param kind the resource's kind, e.g. {@code pipe}
	 * @param resource the resource's name
	 * @param count the count
	 */
	record ResourceCount(String kind, String resource, ResourceSnapshot.Count count) {

	}

}
