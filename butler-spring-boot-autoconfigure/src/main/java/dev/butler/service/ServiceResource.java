package dev.butler.service;

/**
 * A part of a service that the runtime opens and closes with it, registered with
 * {@link ServiceContext#addResource}: opened after {@link MicroService#acquireResources()} and before
 * {@link MicroService#startActivities()}, closed after {@link MicroService#stopActivities()} and
 * before {@link MicroService#releaseResources()}, also when the service fails. Data pipes are
 * resources. Called on the service's loop thread.
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

}
