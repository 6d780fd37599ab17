package dev.butler.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.butler.service.Channel;
import dev.butler.service.MessageHandler;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * The channels of one run of a service, the endpoints the service asked them to bind, and the
 * addresses they were bound to. Used on the service thread only, except {@link #endpoints()}.
 */
final class ServiceChannels {

	private final String serviceId;

	private final ServiceRuntime runtime;

	private final ServiceStatistics statistics;

	private final Map<String, ZmqChannel> channels = new LinkedHashMap<>();

	private final Map<String, List<String>> endpointsToBind = new LinkedHashMap<>();

	private volatile Map<String, List<String>> endpoints = Map.of();

	ServiceChannels(String serviceId, ServiceRuntime runtime, ServiceStatistics statistics) {
		this.serviceId = serviceId;
		this.runtime = runtime;
		this.statistics = statistics;
	}

	/**
	 * Create a channel over a new socket, of the shared ZeroMQ context or of one of its own.
	 */
	Channel create(String name, ZmqSocketType type, @Nullable MessageHandler handler, boolean isolated) {
		if (this.channels.containsKey(name)) {
			throw new IllegalArgumentException(
					"Service '" + this.serviceId + "' already has a channel named '" + name + "'");
		}
		ZmqContext ownContext = isolated ? this.runtime.zmq().engine().newContext(1) : null;
		ZmqSocket socket;
		try {
			socket = ZmqSupport.createSocket((ownContext != null) ? ownContext : this.runtime.zmq(), type);
			socket.setLinger(0);
			ZmqSupport.limitMessageSize(socket, this.runtime.maxMessageSize());
			this.runtime.socketCustomizer().customize(this.serviceId, name, type, socket);
		}
		catch (RuntimeException ex) {
			if (ownContext != null) {
				ownContext.close();
			}
			throw ex;
		}
		ZmqChannel channel = new ZmqChannel(name, this.serviceId, this.runtime.ipc(), socket, handler,
				this.statistics.channel(name), ownContext);
		this.channels.put(name, channel);
		return channel;
	}

	ZmqChannel get(String name) {
		ZmqChannel channel = this.channels.get(name);
		if (channel == null) {
			throw new IllegalArgumentException(
					"Service '" + this.serviceId + "' has no channel named '" + name + "'");
		}
		return channel;
	}

	void addEndpoint(String channel, String address) {
		this.runtime.ipc().checkSocket(address, get(channel).describe() + " cannot bind");
		this.endpointsToBind.computeIfAbsent(channel, (name) -> new ArrayList<>()).add(address);
	}

	/**
	 * Bind every endpoint asked for, in the order asked.
	 */
	void bindEndpoints() {
		Map<String, List<String>> bound = new LinkedHashMap<>();
		this.endpointsToBind.forEach((name, addresses) -> {
			ZmqChannel channel = get(name);
			List<String> actual = new ArrayList<>();
			for (String address : addresses) {
				actual.add(channel.bind(address));
			}
			bound.put(name, Collections.unmodifiableList(actual));
		});
		this.endpoints = Collections.unmodifiableMap(bound);
	}

	/**
	 * Return the bound endpoints by channel name, with the addresses ZeroMQ actually bound, e.g. the
	 * port it chose for {@code tcp://127.0.0.1:*}; empty before binding and after closing.
	 */
	Map<String, List<String>> endpoints() {
		return this.endpoints;
	}

	/**
	 * Return the channels as a live view, for the loop's poller.
	 */
	Collection<ZmqChannel> live() {
		return Collections.unmodifiableCollection(this.channels.values());
	}

	void close() {
		this.channels.values().forEach(ZmqChannel::close);
		this.endpoints = Map.of();
	}

}
