package dev.butler.runtime;

/**
 * Turns an address option into the ZeroMQ address to connect to: {@code butler://<service>/<endpoint>}
 * names an endpoint that a service binds somewhere in the cluster, which the cluster's members
 * publish; any other address is its own.
 */
@FunctionalInterface
public interface AddressResolver {

	/** The scheme of addresses that name a service's endpoint. */
	String SCHEME = "butler://";

	/**
	 * Resolves nothing: a {@code butler://} address fails, saying that it needs the cluster.
	 */
	AddressResolver NONE = (address) -> {
		if (isServiceAddress(address)) {
			throw new IllegalArgumentException("Address " + address + " names a service's endpoint, which only the "
					+ "cluster's members can tell (butler.cluster.etcd.endpoints and spring-integration-core)");
		}
		return address;
	};

	/**
	 * Return the ZeroMQ address an address option stands for.
	 * @param address the address, e.g. {@code butler://text-reader/pipe} or {@code tcp://host:5600}
	 * @return the address to connect to
	 * @throws IllegalArgumentException if a {@code butler://} address names no endpoint that is
	 * known to be bound
	 */
	String resolve(String address);

	/**
	 * Return whether an address names a service's endpoint.
	 * @param address the address
	 * @return whether it starts with {@code butler://}
	 */
	static boolean isServiceAddress(String address) {
		return address.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
	}

}
