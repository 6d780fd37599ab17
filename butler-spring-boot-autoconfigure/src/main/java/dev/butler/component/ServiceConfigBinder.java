package dev.butler.component;

/**
 * Binds and validates options of a service from its configuration prefix: its typed configuration
 * before each start, and further option types a service asks for, e.g. the pipe options of a data
 * pipe service.
 */
@FunctionalInterface
public interface ServiceConfigBinder {

	/**
	 * Bind options of a service.
	 * @param definition the service
	 * @param type the type to bind, {@link Void} for none
	 * @return the bound options, {@code null} for {@link Void}
	 * @throws dev.butler.service.ServiceConfigurationException naming the property and value at fault
	 */
	Object bind(ServiceDefinition definition, Class<?> type);

}
