package dev.butler.standard.binary;

import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;

/**
 * Checks of the binary services' own options.
 */
final class Options {

	private Options() {
	}

	/**
	 * Check that a required option is set, for when no Bean Validation checks it.
	 * @param <T> the option type
	 * @param value the option value
	 * @param option the option name, e.g. {@code block-size}
	 * @param context the service context, to name the property
	 * @return the value
	 * @throws ServiceConfigurationException if the value is missing
	 */
	static <T> T require(T value, String option, ServiceContext context) {
		if (value == null || (value instanceof String text && text.isBlank())) {
			throw new ServiceConfigurationException(context.propertyName(option), value, "is required");
		}
		return value;
	}

}
