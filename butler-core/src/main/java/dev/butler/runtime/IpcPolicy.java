package dev.butler.runtime;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * What the runtime does with {@code ipc://} addresses ({@code butler.zmq.ipc}), and the one check of
 * every address a service, pipe or controller binds or connects to. The libzmq engine serves
 * {@code ipc://} as a Unix domain socket. JeroMQ has no Unix-domain transport: it serves
 * {@code ipc://name} as a tcp port on 127.0.0.1 chosen by a hash of the name, which a libzmq peer
 * such as Saturnin never reaches and which may collide with a port in use.
 */
public enum IpcPolicy {

	/**
	 * Refuse {@code ipc://} addresses: a pipeline that needs one fails at start-up, not at its first
	 * connection from a libzmq peer.
	 */
	REJECT,

	/**
	 * Let JeroMQ emulate {@code ipc://} over tcp, for deployments whose peers are all JeroMQ.
	 */
	EMULATE,

	/**
	 * Serve {@code ipc://} as the Unix domain socket it is, which libzmq peers reach: the libzmq
	 * engine's.
	 */
	NATIVE;

	/** Why an {@code ipc://} address is refused. */
	public static final String IPC_NOT_SUPPORTED = "ipc:// is not supported by the JeroMQ engine (JeroMQ emulates it "
			+ "over TCP and libzmq peers cannot connect); use tcp:// or inproc://, or the libzmq engine (Java 22 or "
			+ "later with libzmq5 installed, butler.zmq.engine=libzmq)";

	/** What {@link #EMULATE} means, logged once at start-up when it is chosen. */
	public static final String EMULATION_WARNING = "butler.zmq.ipc=emulate: ipc:// addresses are not Unix sockets but "
			+ "TCP ports on 127.0.0.1 chosen by a hash of the name, reachable only by JeroMQ peers (libzmq peers such "
			+ "as Saturnin cannot connect), and they may collide with a TCP port in use";

	/**
	 * Return whether an address uses the {@code ipc://} transport, as JeroMQ reads it (the scheme in
	 * any case).
	 * @param address the address, may be {@code null}
	 * @return whether it is an {@code ipc://} address
	 */
	public static boolean isIpc(@Nullable String address) {
		return address != null && address.strip().regionMatches(true, 0, "ipc://", 0, 6);
	}

	/**
	 * Check an address given by a configuration property.
	 * @param property the full property name, e.g. {@code butler.services.writer.pipe-address}
	 * @param address the address, may be {@code null}
	 * @throws UnsupportedTransportException naming the property if this policy refuses the address
	 */
	public void checkProperty(String property, @Nullable String address) {
		if (address != null && refuses(address)) {
			throw new UnsupportedTransportException(address, property,
					"Invalid value '" + address + "' for property '" + property + "': " + IPC_NOT_SUPPORTED);
		}
	}

	/**
	 * Check an address where a socket binds or connects, when no property is known.
	 * @param address the address
	 * @param user who binds or connects, e.g. {@code Channel 'pipe' of service 'writer' cannot bind}
	 * @throws UnsupportedTransportException if this policy refuses the address
	 */
	public void checkSocket(String address, String user) {
		if (refuses(address)) {
			throw new UnsupportedTransportException(address, null, user + " " + address + ": " + IPC_NOT_SUPPORTED);
		}
	}

	/**
	 * Check the string components of a record of options, e.g. a service's configuration or its
	 * {@code PipeOptions}: any of them may be an address. Other types are not looked into.
	 * @param options the bound options, may be {@code null}
	 * @param propertyName the full property name of an option, e.g. {@code pipe-address} to
	 * {@code butler.services.writer.pipe-address}
	 * @throws UnsupportedTransportException naming the property if this policy refuses an address
	 */
	public void checkOptions(@Nullable Object options, Function<String, String> propertyName) {
		if (this != REJECT) {
			return;
		}
		TextOptions.of(options).forEach((option, value) -> checkProperty(propertyName.apply(option), value));
	}

	private boolean refuses(String address) {
		return this == REJECT && isIpc(address);
	}

}
