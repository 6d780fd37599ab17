package dev.butler.config;

import dev.butler.service.ServiceConfigurationException;

/**
 * Thrown when a property under {@code butler.services} is read by nothing: a key that no bind of its
 * service reads, or an id that names no service. The message names the nearest known names.
 */
public final class UnknownPropertyException extends ServiceConfigurationException {

	private final String message;

	UnknownPropertyException(String property, Object value, String message) {
		super(property, value, message);
		this.message = message;
	}

	@Override
	public String getMessage() {
		return this.message;
	}

}
