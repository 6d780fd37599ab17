package dev.butler.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Queue test messages that tell whether they arrived whole, and listings of queue directories;
 * shared with other modules' tests through core's test jar.
 */
public final class QueueFiles {

	private QueueFiles() {
	}

	/**
	 * Return a message of {@code size} bytes, at least 4, that tells whether it arrived whole: its
	 * length, then a pattern.
	 */
	public static byte[] message(int size) {
		ByteBuffer buffer = ByteBuffer.allocate(size);
		buffer.putInt(size);
		while (buffer.hasRemaining()) {
			buffer.put((byte) (buffer.position() % 251));
		}
		return buffer.array();
	}

	/**
	 * Return whether {@code content} is a whole {@link #message}.
	 */
	public static boolean isComplete(byte[] content) {
		if (content.length < 4 || ByteBuffer.wrap(content).getInt() != content.length) {
			return false;
		}
		for (int i = 4; i < content.length; i++) {
			if (content[i] != (byte) (i % 251)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Return the files of a directory.
	 */
	public static List<Path> list(Path directory) {
		try (Stream<Path> files = Files.list(directory)) {
			return files.toList();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the names of the files of a directory.
	 */
	public static List<String> names(Path directory) {
		return list(directory).stream().map((path) -> path.getFileName().toString()).toList();
	}

}
