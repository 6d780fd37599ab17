package dev.butler.runtime;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a socket cannot bind or connect to an address: the address is in use, is not an address
 * of this host, or is not a valid ZeroMQ address. The message says who binds, the address, the
 * configuration property that gave it (when known) and why.
 */
public class EndpointAddressException extends RuntimeException {

	private final String user;

	private final String address;

	private final @Nullable String property;

	private final String reason;

	private final boolean inUse;

	private EndpointAddressException(String user, String address, @Nullable String property, String reason,
			boolean inUse, @Nullable Throwable cause) {
		super(user + " " + address + ((property != null) ? " (property '" + property + "')" : "") + ": " + reason, cause);
		this.user = user;
		this.address = address;
		this.property = property;
		this.reason = reason;
		this.inUse = inUse;
	}

	/**
	 * Explain why JeroMQ refused an address.
	 * @param user who binds or connects, e.g. {@code Channel 'pipe' of service 'writer' cannot bind}
	 * @param address the address
	 * @param failure what JeroMQ threw
	 * @return the exception
	 */
	public static EndpointAddressException of(String user, String address, RuntimeException failure) {
		AddressProblem problem = AddressProblem.of(address, failure);
		return new EndpointAddressException(user, address, null, problem.reason(), problem.inUse(), failure);
	}

	/**
	 * Return this exception naming the property that gave the address.
	 * @param property the full property name, e.g. {@code butler.services.writer.pipe-address}
	 * @return a new exception, or this one if {@code property} is {@code null}
	 */
	public EndpointAddressException withProperty(@Nullable String property) {
		if (property == null) {
			return this;
		}
		EndpointAddressException named = new EndpointAddressException(this.user, this.address, property, this.reason,
				this.inUse, getCause());
		named.setStackTrace(getStackTrace());
		return named;
	}

	/**
	 * Return the address at fault.
	 * @return the address
	 */
	public String getAddress() {
		return this.address;
	}

	/**
	 * Return the configuration property that gave the address.
	 * @return the full property name, or {@code null} if the address did not come from a known property
	 */
	public @Nullable String getProperty() {
		return this.property;
	}

	/**
	 * Return why the address cannot be used, e.g. {@code the address is already in use}.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * Return whether the address is valid but another socket, of this process or another, holds it.
	 * @return whether the address is in use
	 */
	public boolean isInUse() {
		return this.inUse;
	}

}
