package dev.butler.service;

import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.butler.zeromq.ZmqSocket;

/**
 * A named ZeroMQ socket owned by a service and polled by its run loop. Use it only from the service's
 * own thread.
 */
public interface Channel {

	/**
	 * Return the channel name, unique within its service.
	 * @return the channel name
	 */
	String name();

	/**
	 * Return the underlying socket, e.g. to set options.
	 * @return the socket
	 */
	ZmqSocket socket();

	/**
	 * Bind the socket. A wildcard port ({@code tcp://127.0.0.1:*}) is resolved to the port chosen.
	 * @param address the ZeroMQ address
	 * @return the address actually bound
	 * @throws dev.butler.runtime.EndpointAddressException if the address is in use or not valid
	 */
	String bind(String address);

	/**
	 * Connect the socket.
	 * @param address the ZeroMQ address
	 * @throws dev.butler.runtime.EndpointAddressException if the address is not valid
	 */
	void connect(String address);

	/**
	 * Send a multipart message without blocking.
	 * @param frames the frames, in order; the socket may keep the arrays, so do not change them
	 * afterwards
	 * @return {@code true} if sent, {@code false} if the socket cannot take it now
	 */
	boolean send(List<byte[]> frames);

	/**
	 * Send a multipart message of the given frames without blocking.
	 * @param frames the frames, in order; the socket may keep the arrays, so do not change them
	 * afterwards
	 * @return {@code true} if sent, {@code false} if the socket cannot take it now
	 */
	default boolean send(byte[]... frames) {
		return send(Arrays.asList(frames));
	}

	/**
	 * Ask the run loop to call {@code handler} whenever the socket can take output; {@code null}
	 * stops it. Use it for flow control instead of blocking sends.
	 * @param handler the handler, or {@code null}
	 */
	void onOutputReady(@Nullable OutputHandler handler);

	/**
	 * Return the number of messages received on this channel since the service was created.
	 * @return messages received
	 */
	long messagesReceived();

	/**
	 * Return the number of messages sent on this channel since the service was created.
	 * @return messages sent
	 */
	long messagesSent();

	/**
	 * Handles a channel that is ready for output. Called on the service's loop thread.
	 */
	@FunctionalInterface
	interface OutputHandler {

		/**
		 * Called when the channel's socket can take a message.
		 * @param channel the channel
		 * @throws Exception on failure, which aborts the service
		 */
		void outputReady(Channel channel) throws Exception;

	}

}
