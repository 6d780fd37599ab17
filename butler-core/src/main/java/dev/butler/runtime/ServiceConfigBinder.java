package dev.butler.runtime;

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

	/**
	 * Check that nothing is set under the prefix of a service that none of its binds read, e.g. a
	 * misspelt option. Called once the service has initialized, so has bound all its options, and
	 * before it acquires resources.
	 * @param definition the service
	 * @throws dev.butler.service.ServiceConfigurationException naming the unknown property
	 */
	default void checkUnknownOptions(ServiceDefinition definition) {
	}

}
