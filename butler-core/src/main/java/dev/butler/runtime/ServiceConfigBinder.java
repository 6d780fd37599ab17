package dev.butler.runtime;

/**
 * Binds what a service reads from its configuration prefix, once per start and before warm-up:
 * its configuration and its {@link dev.butler.service.MicroService#optionTypes() option types}, with
 * the service's {@link dev.butler.service.MicroService#optionDefaults() option defaults}, validated.
 */
@FunctionalInterface
public interface ServiceConfigBinder {

	/**
	 * Bind and validate the configuration and options of a service, and check that nothing is set
	 * under its prefix that none of them reads, e.g. a misspelt option.
	 * @param definition the service
	 * @return what was bound
	 * @throws dev.butler.service.ServiceConfigurationException naming the property and value at fault
	 */
	BoundConfiguration bind(ServiceDefinition definition);

}
