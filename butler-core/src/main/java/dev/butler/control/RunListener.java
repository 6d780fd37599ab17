package dev.butler.control;

import java.time.Duration;

/**
 * Told of the runs of a {@link ManagedMicroService}: each start that reached READY, each request to
 * stop, and each end of a run that reached READY, whether it ended on its own or was stopped. A
 * start that fails is not a run: {@link ManagedMicroService#start()} reports it to its caller.
 * Called on the thread that started, stopped or ran the service: implementations must not block.
 */
public interface RunListener {

	/**
	 * Called when the service reported READY.
	 * @param service the service
	 */
	void started(ManagedMicroService service);

	/**
	 * Called when a start of the service failed: its warm-up failed or it did not report READY in
	 * time. No run began, so none ends.
	 * @param service the service
	 * @param failure why the start failed
	 */
	default void startFailed(ManagedMicroService service, RuntimeException failure) {
	}

	/**
	 * Called when the service accepted a run-time configuration.
	 * @param service the service
	 */
	default void configured(ManagedMicroService service) {
	}

	/**
	 * Called when the service is asked to stop, whether it runs or not.
	 * @param service the service
	 */
	void stopRequested(ManagedMicroService service);

	/**
	 * Called when a run of the service ended.
	 * @param service the service
	 * @param ending how the run ended
	 * @param upFor how long it was up, from READY to its end
	 */
	void runEnded(ManagedMicroService service, RunEnding ending, Duration upFor);

}
