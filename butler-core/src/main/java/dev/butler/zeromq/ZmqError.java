package dev.butler.zeromq;

/**
 * What a {@link ZmqException} means, whatever the engine's own error numbers.
 */
public enum ZmqError {

	/** A ROUTER with mandatory routing cannot route a message, or has no room for it. */
	HOST_UNREACHABLE,

	/** The address is in use. */
	ADDRESS_IN_USE,

	/** The address cannot be bound here (no such interface, a bad path). */
	ADDRESS_NOT_AVAILABLE,

	/** The transport of the endpoint is not supported. */
	PROTOCOL_NOT_SUPPORTED,

	/** A bad endpoint, option or argument. */
	INVALID,

	/** The context holds its maximum of sockets (or the process its open files). */
	TOO_MANY_SOCKETS,

	/** The context was closed. */
	TERMINATED,

	/** Anything else. */
	OTHER

}
