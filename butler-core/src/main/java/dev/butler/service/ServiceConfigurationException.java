package dev.butler.service;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a service configuration option is missing or has a bad value. The message names the
 * property and the value.
 */
public class ServiceConfigurationException extends RuntimeException {

	private final String property;

	private final @Nullable Object value;

	/**
	 * Create a new exception.
	 * @param property the full property name, e.g. {@code butler.services.echo.port}
	 * @param value the offending value (may be {@code null})
	 * @param reason why the value is not acceptable
	 */
	public ServiceConfigurationException(String property, @Nullable Object value, String reason) {
		this(property, value, reason, null);
	}

	/**
	 * Create a new exception with a cause.
	 * @param property the full property name
	 * @param value the offending value (may be {@code null})
	 * @param reason why the value is not acceptable
	 * @param cause the cause, may be {@code null}
	 */
	public ServiceConfigurationException(String property, @Nullable Object value, String reason,
			@Nullable Throwable cause) {
		super("Invalid value '%s' for property '%s': %s".formatted(value, property, reason), cause);
		this.property = property;
		this.value = value;
	}

	/**
	 * Return the name of the property at fault.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return the value at fault.
	 * @return the value, may be {@code null}
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

}
