package dev.butler.ffm.syncfs;

import java.nio.ByteBuffer;

/**
 * Test messages that tell whether they arrived whole: a length, then a pattern.
 */
final class Messages {

	private Messages() {
	}

	static byte[] message(int size) {
		ByteBuffer buffer = ByteBuffer.allocate(size);
		buffer.putInt(size);
		while (buffer.hasRemaining()) {
			buffer.put((byte) (buffer.position() % 251));
		}
		return buffer.array();
	}

	static boolean isComplete(byte[] content) {
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

}
