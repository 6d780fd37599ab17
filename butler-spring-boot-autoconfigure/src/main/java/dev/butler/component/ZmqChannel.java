package dev.butler.component;

import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.butler.component.ServiceStatistics.ChannelCounters;
import dev.butler.service.Channel;
import dev.butler.service.MessageHandler;

/**
 * A {@link Channel} over a JeroMQ socket, owned by a {@link MicroServiceRunner}.
 */
final class ZmqChannel implements Channel {

	private final String name;

	private final ZMQ.Socket socket;

	private final MessageHandler handler;

	private final ChannelCounters counters;

	private final Runnable pollSetChanged;

	private OutputHandler outputHandler;

	ZmqChannel(String name, ZMQ.Socket socket, MessageHandler handler, ChannelCounters counters,
			Runnable pollSetChanged) {
		this.name = name;
		this.socket = socket;
		this.handler = handler;
		this.counters = counters;
		this.pollSetChanged = pollSetChanged;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public ZMQ.Socket socket() {
		return this.socket;
	}

	@Override
	public String bind(String address) {
		ZmqSupport.bind(this.socket, address);
		String bound = this.socket.getLastEndpoint();
		return (bound != null) ? bound : address;
	}

	@Override
	public void connect(String address) {
		this.socket.connect(address);
	}

	@Override
	public boolean send(ZMsg message) {
		if (!ZmqSupport.sendNow(this.socket, message)) {
			return false;
		}
		this.counters.recordSent();
		return true;
	}

	@Override
	public void receiveWaiting() {
		if (this.handler == null) {
			throw new IllegalStateException("Channel '" + this.name + "' has no handler");
		}
		try {
			receive(Integer.MAX_VALUE);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void onOutputReady(OutputHandler handler) {
		if (this.outputHandler != handler) {
			this.outputHandler = handler;
			this.pollSetChanged.run();
		}
	}

	@Override
	public long messagesReceived() {
		return this.counters.received();
	}

	@Override
	public long messagesSent() {
		return this.counters.sent();
	}

	int pollEvents() {
		return ((this.handler != null) ? ZMQ.Poller.POLLIN : 0) | ((this.outputHandler != null) ? ZMQ.Poller.POLLOUT : 0);
	}

	void outputReady() throws Exception {
		OutputHandler current = this.outputHandler;
		if (current != null) {
			current.outputReady(this);
		}
	}

	/**
	 * Receive and handle up to {@code limit} messages that are waiting.
	 */
	void receive(int limit) throws Exception {
		for (int i = 0; i < limit; i++) {
			ZMsg message = ZMsg.recvMsg(this.socket, ZMQ.DONTWAIT);
			if (message == null) {
				return;
			}
			this.counters.recordReceived();
			this.handler.handle(this, message);
		}
	}

	void close() {
		// A monitor must stop before its reader closes: JeroMQ's I/O thread would block on the event of
		// a dropped connection once the reader is gone, stalling every socket of the context.
		this.socket.monitor(null, 0);
		this.socket.close();
	}

}
