package dev.butler.control;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a local Butler service reported READY, on every start. What the service created
 * in its warm-up, e.g. its {@link ButlerComponent#pipes() data pipes}, exists from then on.
 */
public class ButlerServiceReadyEvent extends ApplicationEvent {

	/**
	 * Create a new event.
	 * @param service the service that is ready
	 */
	public ButlerServiceReadyEvent(ButlerComponent service) {
		super(service);
	}

	/**
	 * Return the service that is ready.
	 * @return the service
	 */
	public ButlerComponent getService() {
		return (ButlerComponent) getSource();
	}

}
