package dev.butler.runtime;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

import org.jspecify.annotations.Nullable;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.butler.runtime.ServiceStatistics.ChannelCounters;
import dev.butler.service.Channel;
import dev.butler.service.MessageHandler;

/**
 * A {@link Channel} over a JeroMQ socket, owned by a {@link MicroServiceRunner}.
 */
final class ZmqChannel implements Channel {

	private final String name;

	private final String serviceId;

	private final IpcPolicy ipc;

	private final ZMQ.Socket socket;

	private final @Nullable MessageHandler handler;

	private final ChannelCounters counters;

	/** The context the channel has to itself, closed with it, or {@code null} for the shared one. */
	private final @Nullable ZContext ownContext;

	private @Nullable OutputHandler outputHandler;

	/** The socket's signalling channel in the loop's selector, {@code null} until first polled. */
	private @Nullable SelectionKey key;

	private int readyEvents;

	ZmqChannel(String name, String serviceId, IpcPolicy ipc, ZMQ.Socket socket, @Nullable MessageHandler handler,
			ChannelCounters counters, @Nullable ZContext ownContext) {
		this.name = name;
		this.serviceId = serviceId;
		this.ipc = ipc;
		this.socket = socket;
		this.handler = handler;
		this.counters = counters;
		this.ownContext = ownContext;
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
		this.ipc.checkSocket(address, describe() + " cannot bind");
		try {
			ZmqSupport.bind(this.socket, address);
		}
		catch (RuntimeException ex) {
			throw EndpointAddressException.of(describe() + " cannot bind", address, ex);
		}
		String bound = this.socket.getLastEndpoint();
		return (bound != null) ? bound : address;
	}

	@Override
	public void connect(String address) {
		this.ipc.checkSocket(address, describe() + " cannot connect to");
		try {
			this.socket.connect(address);
		}
		catch (RuntimeException ex) {
			throw EndpointAddressException.of(describe() + " cannot connect to", address, ex);
		}
	}

	String describe() {
		return "Channel '" + this.name + "' of service '" + this.serviceId + "'";
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
	public boolean send(byte[]... frames) {
		if (!ZmqSupport.sendNow(this.socket, frames)) {
			return false;
		}
		this.counters.recordSent();
		return true;
	}

	@Override
	public void onOutputReady(@Nullable OutputHandler handler) {
		this.outputHandler = handler;
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

	/**
	 * Find which of the events the loop waits for are ready. While it waits for any, the socket's
	 * signalling channel is registered with the loop's selector, so that the socket's I/O thread can
	 * wake the loop.
	 * @param selector the loop's selector
	 * @return whether an event is ready
	 */
	boolean poll(Selector selector) throws ClosedChannelException {
		int wanted = pollEvents();
		int interest = (wanted != 0) ? SelectionKey.OP_READ : 0;
		if (this.key == null) {
			if (interest != 0) {
				this.key = this.socket.getFD().register(selector, interest);
			}
		}
		else if (this.key.interestOps() != interest) {
			this.key.interestOps(interest);
		}
		this.readyEvents = (wanted != 0) ? LoopPoller.readyEvents(this.socket.getEvents(), wanted) : 0;
		return this.readyEvents != 0;
	}

	/**
	 * Return whether the last {@link #poll} found {@code event} ready.
	 * @param event {@link ZMQ.Poller#POLLIN} or {@link ZMQ.Poller#POLLOUT}
	 * @return whether the event is ready
	 */
	boolean isReady(int event) {
		return (this.readyEvents & event) != 0;
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
		MessageHandler current = this.handler;
		if (current == null) {
			return;
		}
		for (int i = 0; i < limit; i++) {
			ZMsg message = ZMsg.recvMsg(this.socket, ZMQ.DONTWAIT);
			if (message == null) {
				return;
			}
			this.counters.recordReceived();
			current.handle(this, message);
		}
	}

	void close() {
		// A monitor must stop before its reader closes: JeroMQ's I/O thread would block on the event of
		// a dropped connection once the reader is gone, stalling every socket of the context.
		this.socket.monitor(null, 0);
		this.socket.close();
		if (this.ownContext != null) {
			this.ownContext.close();
		}
	}

}
