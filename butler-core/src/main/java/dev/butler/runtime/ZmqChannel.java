package dev.butler.runtime;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.butler.runtime.ServiceStatistics.ChannelCounters;
import dev.butler.service.Channel;
import dev.butler.service.MessageHandler;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqPoller;
import dev.butler.zeromq.ZmqSocket;

/**
 * A {@link Channel} over a socket of the ZeroMQ engine, owned by a {@link MicroServiceRunner}.
 */
final class ZmqChannel implements Channel {

	private final String name;

	private final String serviceId;

	private final IpcPolicy ipc;

	private final ZmqSocket socket;

	private final @Nullable MessageHandler handler;

	private final ChannelCounters counters;

	/** The context the channel has to itself, closed with it, or {@code null} for the shared one. */
	private final @Nullable ZmqContext ownContext;

	private @Nullable OutputHandler outputHandler;

	/** The socket in the loop's poller, {@code null} until first polled. */
	private ZmqPoller.@Nullable Item item;

	ZmqChannel(String name, String serviceId, IpcPolicy ipc, ZmqSocket socket, @Nullable MessageHandler handler,
			ChannelCounters counters, @Nullable ZmqContext ownContext) {
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
	public ZmqSocket socket() {
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
		String bound = this.socket.lastEndpoint();
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
	public boolean send(List<byte[]> frames) {
		if (!this.socket.sendMessage(frames, true)) {
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

	/**
	 * Poll the socket with the loop's poller from now on.
	 * @param poller the loop's poller
	 */
	void register(ZmqPoller poller) {
		this.item = poller.register(this.socket, pollEvents());
	}

	/**
	 * Poll for the events the channel's handlers wait for now: input while it has a message
	 * handler, output while it has an output handler.
	 */
	void updateEvents() {
		ZmqPoller.Item current = this.item;
		if (current != null) {
			current.setEvents(pollEvents());
		}
	}

	private int pollEvents() {
		return ((this.handler != null) ? ZmqPoller.POLLIN : 0) | ((this.outputHandler != null) ? ZmqPoller.POLLOUT : 0);
	}

	/**
	 * Return whether the last poll found {@code event} ready.
	 * @param event {@link ZmqPoller#POLLIN} or {@link ZmqPoller#POLLOUT}
	 * @return whether the event is ready
	 */
	boolean isReady(int event) {
		ZmqPoller.Item current = this.item;
		return current != null && (current.readyEvents() & event) != 0;
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
			List<byte[]> message = this.socket.receiveMessage(true);
			if (message == null) {
				return;
			}
			this.counters.recordReceived();
			current.handle(this, message);
		}
	}

	void close() {
		ZmqPoller.Item current = this.item;
		if (current != null) {
			current.cancel();
		}
		this.socket.close();
		if (this.ownContext != null) {
			this.ownContext.close();
		}
	}

}
