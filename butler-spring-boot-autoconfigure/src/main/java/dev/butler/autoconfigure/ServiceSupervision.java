package dev.butler.autoconfigure;

import org.springframework.util.StringUtils;

import dev.butler.control.ManagedMicroService;
import dev.butler.supervision.Supervisor;

/**
 * Puts the local services of the application under its {@link Supervisor}, each with the restart
 * policy that {@code butler.supervision.*} and its own {@code butler.services.<id>.*} keys give,
 * unless an external ICCP controller drives it: then that controller decides when it runs. Used for
 * the services of the application when it starts and for those {@link ButlerServices added} later.
 */
public final class ServiceSupervision {

	private final Supervisor supervisor;

	private final ButlerProperties properties;

	/**
	 * Create the supervision of the application's services.
	 * @param supervisor the supervisor
	 * @param properties the properties that give each service's policy
	 */
	public ServiceSupervision(Supervisor supervisor, ButlerProperties properties) {
		this.supervisor = supervisor;
		this.properties = properties;
	}

	/**
	 * Supervise a service from now on, unless an external controller drives it or it is supervised
	 * already.
	 * @param service the service
	 */
	public void supervise(ManagedMicroService service) {
		if (isExternallyControlled(service) || this.supervisor.status(service.id()) != null) {
			return;
		}
		this.supervisor.supervise(service, this.properties.restartPolicy(service.id()));
	}

	/**
	 * Stop supervising a service, e.g. one that is removed.
	 * @param service the service
	 */
	public void unsupervise(ManagedMicroService service) {
		this.supervisor.unsupervise(service.id());
	}

	private boolean isExternallyControlled(ManagedMicroService service) {
		return StringUtils.hasText(this.properties.service(service.id()).controlAddress())
				|| StringUtils.hasText(this.properties.control().address());
	}

}
