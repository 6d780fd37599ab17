package dev.butler.zeromq;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * A JeroMQ {@link ZContext} as a {@link ZmqContext}.
 */
final class JeroMqContext implements ZmqContext {

	private final JeroMqEngine engine;

	private final ZContext context;

	JeroMqContext(JeroMqEngine engine, ZContext context) {
		this.engine = engine;
		this.context = context;
	}

	@Override
	public ZmqSocket socket(ZmqSocketType type) {
		ZMQ.Socket socket;
		try {
			socket = this.context.createSocket(SocketType.type(type.code()));
		}
		catch (ZMQException ex) {
			throw JeroMqSocket.translated(ex, "Cannot create a " + type + " socket");
		}
		socket.setLinger(0);
		return new JeroMqSocket(this, type, socket);
	}

	@Override
	public ZmqPoller poller() {
		return new JeroMqPoller();
	}

	@Override
	public void setMaxSockets(int maxSockets) {
		this.context.getContext().setMaxSockets(maxSockets);
	}

	@Override
	public int maxSockets() {
		return this.context.getContext().getMaxSockets();
	}

	@Override
	public ZmqEngine engine() {
		return this.engine;
	}

	ZContext context() {
		return this.context;
	}

	/**
	 * Close a socket of this context as its own linger says: JeroMQ gives every socket that a
	 * {@link ZContext} closes the context's linger.
	 */
	synchronized void close(ZMQ.Socket socket) {
		this.context.setLinger(socket.getLinger());
		this.context.destroySocket(socket);
	}

	@Override
	public synchronized void close() {
		this.context.setLinger(0);
		this.context.close();
	}

}
