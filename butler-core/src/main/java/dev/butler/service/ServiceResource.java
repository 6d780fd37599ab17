package dev.butler.service;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A part of a service that the runtime opens and closes with it, registered with
 * {@link ServiceContext#addResource}: opened after {@link MicroService#acquireResources()} and before
 * {@link MicroService#startActivities()}, closed after {@link MicroService#stopActivities()} and
 * before {@link MicroService#releaseResources()}, also when the service fails. Data pipes are
 * resources. Called on the service's loop thread, except {@link #describe()} and {@link #counters()}.
 */
public interface ServiceResource {

	/**
	 * Open the resource, e.g. connect a pipe and send OPEN.
	 * @throws Exception if it cannot be opened, which fails the warm-up
	 */
	void open() throws Exception;

	/**
	 * Close the resource because the service stops, e.g. tell a pipe's peer. Should not throw.
	 * @param reason why the service stops
	 */
	void close(String reason);

	/**
	 * Go on with closing, e.g. hand a pipe's last messages to the socket, and say whether closing is
	 * done. The runtime calls it, with the service's loop still serving its channels, after
	 * {@link #close(String)} until it returns {@code true} or {@link #settleTimeout()} has passed.
	 * @return whether nothing is left to wait for
	 */
	default boolean settle() {
		return true;
	}

	/**
	 * Return how long the runtime lets {@link #settle()} go on after {@link #close(String)}.
	 * @return the time closing may take
	 */
	default Duration settleTimeout() {
		return Duration.ZERO;
	}

	/**
	 * Give up closing after {@link #settleTimeout()}: report what is lost. Should not throw.
	 */
	default void abandon() {
	}

	/**
	 * Describe the resource as it is now, for {@code /actuator/butler} and the meters. Called from
	 * any thread, e.g. an HTTP worker; reads without locking and does not block for long.
	 * @return what the resource is and has done, or {@code null} (the default) to leave it out
	 */
	default @Nullable ResourceSnapshot describe() {
		return null;
	}

	/**
	 * Return the counts of {@link #describe()}, without the work describing may take (e.g. counting
	 * the files of a queue): meters read them on every scrape. Called from any thread.
	 * @return the counts
	 */
	default List<ResourceSnapshot.Count> counters() {
		ResourceSnapshot snapshot = describe();
		return (snapshot != null) ? snapshot.counters() : List.of();
	}

}
