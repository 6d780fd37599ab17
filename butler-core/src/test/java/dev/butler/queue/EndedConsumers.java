package dev.butler.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Consumers whose process ended, for recovery tests: a directory of {@code pending/} named after a
 * process of this host that ran and exited, as a consumer's directory is after a crash.
 */
public final class EndedConsumers {

	private EndedConsumers() {
	}

	/**
	 * Return the name of a consumer of an ended process.
	 * @param sequence the consumer's number within its process
	 */
	public static String name(int sequence) throws IOException {
		Process ended = new ProcessBuilder("true").start();
		try {
			ended.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
		long start = ended.toHandle().info().startInstant().map((instant) -> instant.toEpochMilli()).orElse(1L);
		return DirectoryQueue.host() + "." + ended.pid() + "." + start + "." + sequence;
	}

	/**
	 * Create the directory of a consumer of an ended process in a queue's {@code pending/}.
	 */
	public static Path directory(DirectoryQueue queue) throws IOException {
		return Files.createDirectory(queue.pending().resolve(name(1)));
	}

	/**
	 * End a reader as a crash would: its directory becomes that of an ended process, messages and
	 * all, and the reader is closed with nothing left to release.
	 * @return the directory
	 */
	public static Path crash(QueueReader reader) throws IOException {
		Path claimed = reader.queue().pending().resolve(reader.consumer());
		Path ended = Files.move(claimed, reader.queue().pending().resolve(name(1)));
		reader.close();
		return ended;
	}

}
