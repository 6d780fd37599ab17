package dev.butler.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A message claimed from a {@link DirectoryQueue}: a file in the consumer's part of {@code pending/}.
 *
 * @param name the message name, kept when the message moves between queues
 * @param path the file while the message is claimed
 * @param recoveries how many times the message was taken back into this queue from consumers that
 * ended without finishing it
 */
public record QueueMessage(String name, Path path, int recoveries) {

	/**
	 * Create a message that was never recovered.
	 * @param name the message name
	 * @param path the file while the message is claimed
	 */
	public QueueMessage(String name, Path path) {
		this(name, path, 0);
	}

	/**
	 * Read the message.
	 * @return the content
	 * @throws QueueException if the file cannot be read
	 */
	public byte[] content() throws QueueException {
		try {
			return Files.readAllBytes(this.path);
		}
		catch (IOException ex) {
			throw QueueException.of("read message", this.path, ex);
		}
	}

}
