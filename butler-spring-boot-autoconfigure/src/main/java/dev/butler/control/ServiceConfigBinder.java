package dev.butler.control;

import dev.butler.component.ServiceDefinition;

/**
 * Binds and validates a service's typed configuration before each start.
 */
@FunctionalInterface
public interface ServiceConfigBinder {

	/**
	 * Bind the configuration of a service.
	 * @param definition the service
	 * @return the configuration, {@code null} for services without one
	 * @throws dev.butler.service.ServiceConfigurationException naming the property and value at fault
	 */
	Object bind(ServiceDefinition definition);

}
