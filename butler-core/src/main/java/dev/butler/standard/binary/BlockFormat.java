package dev.butler.standard.binary;

import java.nio.ByteBuffer;

/**
 * The layout of a block file, as Saturnin's binary reader and writer use it: each block follows its
 * length, a 4-byte unsigned big-endian integer ({@code struct.pack('!I', len)}).
 */
final class BlockFormat {

	/** Size of the length prefix in bytes. */
	static final int PREFIX_BYTES = 4;

	/** The largest block a Java array, and thus a DATA payload, can hold. */
	static final long MAX_BLOCK_BYTES = Integer.MAX_VALUE - 8;

	private BlockFormat() {
	}

	/**
	 * Return the length prefix of a block.
	 * @param length the length of the block
	 * @return the prefix
	 */
	static byte[] prefix(int length) {
		return ByteBuffer.allocate(PREFIX_BYTES).putInt(length).array();
	}

	/**
	 * Return the length a prefix announces.
	 * @param prefix the {@link #PREFIX_BYTES} bytes of the prefix
	 * @return the length, 0 to 2<sup>32</sup>-1
	 */
	static long length(byte[] prefix) {
		return Integer.toUnsignedLong(ByteBuffer.wrap(prefix).getInt());
	}

}
