package dev.butler.runtime;

import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * Customizes the socket of a channel when a service creates it, before the service sees it. Declare
 * beans of this type to set socket options for all services. The runtime has set the linger period
 * and the maximum message size ({@code butler.zmq.max-message-size}) already, so a customizer can
 * change them, for one channel, say.
 */
@FunctionalInterface
public interface ChannelSocketCustomizer {

	/**
	 * Customize a channel socket.
	 * @param serviceId the id of the service creating the channel
	 * @param channel the channel name
	 * @param type the socket type
	 * @param socket the socket
	 */
	void customize(String serviceId, String channel, ZmqSocketType type, ZmqSocket socket);

}
