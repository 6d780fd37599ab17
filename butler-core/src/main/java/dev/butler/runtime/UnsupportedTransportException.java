package dev.butler.runtime;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when an address uses a transport the ZeroMQ engine cannot offer to every peer, e.g. an
 * {@code ipc://} address under {@link IpcPolicy#REJECT}.
 */
public class UnsupportedTransportException extends IllegalArgumentException {

	private final String address;

	private final @Nullable String property;

	UnsupportedTransportException(String address, @Nullable String property, String message) {
		super(message);
		this.address = address;
		this.property = property;
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

}
