package dev.butler.zeromq;

import org.zeromq.ZMQ;


/**
 * JeroMQ as a {@link ZmqEngine}. Its {@code ipc://} is loopback tcp on a port derived from the
 * name, which only JeroMQ peers reach.
 */
public final class JeroMqEngine implements ZmqEngine {

	/** The engine; it has no state. */
	public static final JeroMqEngine INSTANCE = new JeroMqEngine();

	private JeroMqEngine() {
	}

	@Override
	public String name() {
		return "jeromq";
	}

	@Override
	public String version() {
		String jar = ZMQ.class.getPackage().getImplementationVersion();
		return "JeroMQ " + ((jar != null) ? jar + " " : "") + "(ZeroMQ " + ZMQ.getVersionString() + ")";
	}

	@Override
	public boolean realIpc() {
		return false;
	}

	@Override
	public ZmqContext newContext(int ioThreads) {
		return new JeroMqContext(this, new org.zeromq.ZContext(ioThreads));
	}

	/**
	 * Wrap a JeroMQ context that someone else owns and closes, e.g. the application's.
	 * @param context the JeroMQ context
	 * @return the context as this engine's
	 */
	public ZmqContext wrap(org.zeromq.ZContext context) {
		return new JeroMqContext(this, context);
	}

}
