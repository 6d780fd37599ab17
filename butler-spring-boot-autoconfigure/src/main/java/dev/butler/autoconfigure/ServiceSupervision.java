package dev.butler.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

import dev.butler.control.ManagedMicroService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.supervision.RestartIntensity;
import dev.butler.supervision.RestartStrategy;
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
		supervise(service, this.properties);
	}

	/**
	 * Supervise a service from now on with the policy that the given properties give it, unless an
	 * external controller drives it or it is supervised already.
	 * @param service the service
	 * @param properties the properties, e.g. with the options of a service added at run time
	 */
	public void supervise(ManagedMicroService service, ButlerProperties properties) {
		if (isExternallyControlled(service) || this.supervisor.status(service.id()) != null) {
			return;
		}
		this.supervisor.supervise(service, properties.restartPolicy(service.id()));
	}

	/**
	 * Fire from now on the triggers a supervised service declares under
	 * {@code butler.services.<id>.on-*}; call it once its targets, groups included, exist.
	 * @param service the service
	 * @throws ServiceConfigurationException naming the property of a trigger whose target is unknown
	 */
	public void trigger(ManagedMicroService service) {
		trigger(service, this.properties);
	}

	/**
	 * Fire from now on the triggers that the given properties declare for a supervised service.
	 * @param service the service
	 * @param properties the properties, e.g. with the options of a service added at run time
	 * @throws ServiceConfigurationException naming the property of a trigger whose target is unknown
	 */
	public void trigger(ManagedMicroService service, ButlerProperties properties) {
		if (this.supervisor.status(service.id()) == null) {
			return;
		}
		properties.service(service.id()).triggers(service.id()).forEach((property, trigger) -> {
			try {
				this.supervisor.trigger(trigger, triggerIntensity());
			}
			catch (IllegalArgumentException ex) {
				throw new ServiceConfigurationException(property + ".target", trigger.target(),
						String.valueOf(ex.getMessage()), ex);
			}
		});
	}

	/**
	 * Return how often a trigger may fire before it is suspended: the restart intensity of
	 * {@code butler.supervision}.
	 * @return the intensity
	 */
	public RestartIntensity triggerIntensity() {
		return new RestartIntensity(this.properties.supervision().maxRestarts(),
				this.properties.supervision().restartWithin());
	}

	/**
	 * Stop supervising a service, e.g. one that is removed.
	 * @param service the service
	 */
	public void unsupervise(ManagedMicroService service) {
		this.supervisor.unsupervise(service.id());
	}

	/**
	 * Supervise services already supervised as a group, e.g. those added together at run time.
	 * @param name the group's name
	 * @param strategy which of them are restarted together
	 * @param ids the services, in the order they start
	 * @param intensity how many group restarts are made in a period before giving up, {@code null}
	 * for that of {@code butler.supervision}
	 */
	public void group(String name, RestartStrategy strategy, List<String> ids, @Nullable RestartIntensity intensity) {
		this.supervisor.group(name, strategy, ids, (intensity != null) ? intensity : triggerIntensity());
	}

	/**
	 * Dissolve a group declared with {@link #group}, if it was.
	 * @param name the group's name
	 */
	public void ungroup(String name) {
		if (this.supervisor.groups().containsKey(name)) {
			this.supervisor.ungroup(name);
		}
	}

	private boolean isExternallyControlled(ManagedMicroService service) {
		return StringUtils.hasText(this.properties.service(service.id()).controlAddress())
				|| StringUtils.hasText(this.properties.control().address());
	}

}
