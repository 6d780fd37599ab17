package dev.butler.zeromq;

/**
 * A ZeroMQ implementation: it makes contexts, whose sockets and pollers the runtime uses without
 * knowing the implementation's own types. Found with {@link ZmqEngines}.
 */
public interface ZmqEngine {

	/**
	 * Return the engine's name, the value of {@code butler.zmq.engine} that selects it.
	 * @return e.g. {@code jeromq} or {@code libzmq}
	 */
	String name();

	/**
	 * Return the version of the ZeroMQ implementation, for logs and the actuator.
	 * @return e.g. {@code JeroMQ 0.6.0 (ZeroMQ 4.1.7)} or {@code libzmq 4.3.4}
	 */
	String version();

	/**
	 * Return whether {@code ipc://} is a Unix domain socket that libzmq peers (Saturnin, pyzmq)
	 * reach. JeroMQ emulates it over loopback tcp, which only JeroMQ peers reach.
	 * @return whether ipc is real
	 */
	boolean realIpc();

	/**
	 * Create a context with the given number of I/O threads.
	 * @param ioThreads the I/O threads, at least 1
	 * @return a new context, to be closed by its owner
	 */
	ZmqContext newContext(int ioThreads);

}
