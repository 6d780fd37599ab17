package dev.butler.service;

import java.util.List;

/**
 * Handles a message that arrived on a {@link Channel}. Called on the service's loop thread.
 */
@FunctionalInterface
public interface MessageHandler {

	/**
	 * Handle a received multipart message.
	 * @param channel the channel the message arrived on
	 * @param message the message's frames, owned by the handler
	 * @throws Exception on failure, which aborts the service
	 */
	void handle(Channel channel, List<byte[]> message) throws Exception;

}
