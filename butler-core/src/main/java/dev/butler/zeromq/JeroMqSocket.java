package dev.butler.zeromq;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * A JeroMQ socket as a {@link ZmqSocket}; JeroMQ's exceptions become {@link ZmqException}s.
 */
final class JeroMqSocket implements ZmqSocket {

	private final JeroMqContext context;

	private final ZmqSocketType type;

	private final ZMQ.Socket socket;

	JeroMqSocket(JeroMqContext context, ZmqSocketType type, ZMQ.Socket socket) {
		this.context = context;
		this.type = type;
		this.socket = socket;
	}

	/**
	 * Return JeroMQ's socket, for what only JeroMQ offers.
	 * @return the socket
	 */
	ZMQ.Socket socket() {
		return this.socket;
	}

	@Override
	public ZmqSocketType type() {
		return this.type;
	}

	@Override
	public void bind(String endpoint) {
		try {
			this.socket.bind(endpoint);
		}
		catch (ZMQException ex) {
			throw translated(ex, "Cannot bind to " + endpoint);
		}
	}

	@Override
	public void connect(String endpoint) {
		try {
			this.socket.connect(endpoint);
		}
		catch (ZMQException ex) {
			throw translated(ex, "Cannot connect to " + endpoint);
		}
	}

	@Override
	public void unbind(String endpoint) {
		try {
			this.socket.unbind(endpoint);
		}
		catch (ZMQException ex) {
			throw translated(ex, "Cannot unbind from " + endpoint);
		}
	}

	@Override
	public void disconnect(String endpoint) {
		try {
			this.socket.disconnect(endpoint);
		}
		catch (ZMQException ex) {
			throw translated(ex, "Cannot disconnect from " + endpoint);
		}
	}

	@Override
	public @Nullable String lastEndpoint() {
		return this.socket.getLastEndpoint();
	}

	@Override
	public boolean send(byte[] frame, int flags) {
		try {
			return this.socket.send(frame, flags);
		}
		catch (ZMQException ex) {
			throw translated(ex, "Cannot send");
		}
	}

	@Override
	public byte @Nullable [] receive(int flags) {
		try {
			return this.socket.recv(flags);
		}
		catch (ZMQException ex) {
			throw translated(ex, "Cannot receive");
		}
	}

	@Override
	public boolean hasMore() {
		return this.socket.hasReceiveMore();
	}

	@Override
	public int events() {
		int events = this.socket.getEvents();
		// An error (the context is terminated) reports all, so that the next operation raises it.
		return (events < 0) ? ZmqPoller.POLLIN | ZmqPoller.POLLOUT : events & (ZmqPoller.POLLIN | ZmqPoller.POLLOUT);
	}

	@Override
	public void setLinger(int millis) {
		this.socket.setLinger(millis);
	}

	@Override
	public void setSendHighWaterMark(int messages) {
		this.socket.setSndHWM(messages);
	}

	@Override
	public void setReceiveHighWaterMark(int messages) {
		this.socket.setRcvHWM(messages);
	}

	@Override
	public void setSendTimeout(int millis) {
		this.socket.setSendTimeOut(millis);
	}

	@Override
	public void setReceiveTimeout(int millis) {
		this.socket.setReceiveTimeOut(millis);
	}

	@Override
	public void setHeartbeat(int intervalMillis, int timeoutMillis, int ttlMillis) {
		this.socket.setHeartbeatIvl(intervalMillis);
		this.socket.setHeartbeatTimeout(timeoutMillis);
		this.socket.setHeartbeatTtl(ttlMillis);
	}

	@Override
	public void setHandshakeInterval(int millis) {
		this.socket.setHandshakeIvl(millis);
	}

	@Override
	public void setRouterMandatory(boolean mandatory) {
		this.socket.setRouterMandatory(mandatory);
	}

	@Override
	public void setPeerGoneMessage(byte[] message) {
		int option = (this.type == ZmqSocketType.ROUTER) ? zmq.ZMQ.ZMQ_DISCONNECT_MSG : zmq.ZMQ.ZMQ_HICCUP_MSG;
		this.socket.base().setSocketOpt(option, message);
	}

	@Override
	public void setMaxMessageSize(long bytes) {
		this.socket.setMaxMsgSize(bytes);
	}

	@Override
	public long maxMessageSize() {
		return this.socket.getMaxMsgSize();
	}

	@Override
	public int handshakeInterval() {
		return this.socket.getHandshakeIvl();
	}

	@Override
	public void setRoutingId(byte[] routingId) {
		this.socket.setIdentity(routingId);
	}

	@Override
	public void subscribe(byte[] prefix) {
		this.socket.subscribe(prefix);
	}

	@Override
	public void setCurveServer(byte[] secretKey, String zapDomain) {
		this.socket.setZAPDomain(zapDomain);
		this.socket.setCurveServer(true);
		this.socket.setCurveSecretKey(secretKey);
	}

	@Override
	public ZmqMonitor monitor(int events) {
		String address = "inproc://butler-monitor-" + UUID.randomUUID();
		if (!this.socket.monitor(address, events)) {
			throw new ZmqException(ZmqError.OTHER, "Cannot monitor the socket");
		}
		ZMQ.Socket reader = this.context.context().createSocket(SocketType.PAIR);
		reader.setLinger(0);
		reader.connect(address);
		return new JeroMqMonitor(this.socket, reader);
	}

	@Override
	public void close() {
		this.context.close(this.socket);
	}

	static ZmqException translated(ZMQException ex, String what) {
		int code = ex.getErrorCode();
		ZmqError error;
		if (code == zmq.ZError.EHOSTUNREACH) {
			error = ZmqError.HOST_UNREACHABLE;
		}
		else if (code == zmq.ZError.EADDRINUSE) {
			error = ZmqError.ADDRESS_IN_USE;
		}
		else if (code == zmq.ZError.EADDRNOTAVAIL) {
			error = ZmqError.ADDRESS_NOT_AVAILABLE;
		}
		else if (code == zmq.ZError.EPROTONOSUPPORT) {
			error = ZmqError.PROTOCOL_NOT_SUPPORTED;
		}
		else if (code == zmq.ZError.EINVAL) {
			error = ZmqError.INVALID;
		}
		else if (code == zmq.ZError.EMFILE) {
			error = ZmqError.TOO_MANY_SOCKETS;
		}
		else if (code == zmq.ZError.ETERM) {
			error = ZmqError.TERMINATED;
		}
		else {
			error = ZmqError.OTHER;
		}
		return new ZmqException(error, what, explanation(ex), ex);
	}

	private static String explanation(ZMQException ex) {
		try {
			return ZMQ.Error.findByCode(ex.getErrorCode()).getMessage();
		}
		catch (IllegalArgumentException unknownCode) {
			return String.valueOf(ex.getMessage());
		}
	}

}
