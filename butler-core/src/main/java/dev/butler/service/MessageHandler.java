package dev.butler.service;

import org.zeromq.ZMsg;

/**
 * Handles a message that arrived on a {@link Channel}. Called on the service's loop thread.
 */
@FunctionalInterface
public interface MessageHandler {

	/**
	 * Handle a received multipart message.
	 * @param channel the channel the message arrived on
	 * @param message the message, owned by the handler
	 * @throws Exception on failure, which aborts the service
	 */
	void handle(Channel channel, ZMsg message) throws Exception;

}
