package dev.butler.standard.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;

import dev.butler.pipe.PipeException;
import dev.butler.protocol.fbdp.FbdpErrorCode;

/**
 * Decodes the payloads of a stream of DATA messages. Each message is decoded afresh, as Saturnin
 * does (so a byte order mark that starts each message, as Python writes in UTF-16, is read as
 * such), except that the bytes of a character split between two messages are carried over and
 * decoded whole, where Saturnin fails.
 */
final class TextDecoder {

	private static final byte[] NONE = new byte[0];

	private final CharsetDecoder decoder;

	private byte[] leftover = NONE;

	TextDecoder(TextFormat format) {
		this.decoder = format.newDecoder();
	}

	/**
	 * Decode the next payload; bytes of an unfinished character wait for the next one.
	 * @param data the payload
	 * @return the decoded text
	 * @throws PipeException with {@code INVALID_DATA} for bytes the charset cannot decode
	 */
	CharSequence decode(byte[] data) {
		ByteBuffer input;
		if (this.leftover.length == 0) {
			this.decoder.reset();
			input = ByteBuffer.wrap(data);
		}
		else {
			input = ByteBuffer.allocate(this.leftover.length + data.length).put(this.leftover).put(data).flip();
		}
		CharBuffer output = decode(input, false);
		this.leftover = new byte[input.remaining()];
		input.get(this.leftover);
		return output.flip();
	}

	/**
	 * End the text.
	 * @return text still held back: empty, or what {@code errors} makes of an unfinished character
	 * @throws PipeException with {@code INVALID_DATA} if the data ended inside a character and
	 * {@code errors} is {@code strict}
	 */
	CharSequence finish() {
		ByteBuffer input = ByteBuffer.wrap(this.leftover);
		this.leftover = NONE;
		CharBuffer output = decode(input, true);
		CoderResult result = this.decoder.flush(output);
		check(result, output);
		this.decoder.reset();
		return output.flip();
	}

	private CharBuffer decode(ByteBuffer input, boolean endOfInput) {
		CharBuffer output = CharBuffer.allocate((int) (input.remaining() * (double) this.decoder.maxCharsPerByte()) + 4);
		while (true) {
			CoderResult result = this.decoder.decode(input, output, endOfInput);
			if (result.isOverflow()) {
				output = CharBuffer.allocate(output.capacity() * 2).put(output.flip());
				continue;
			}
			check(result, output);
			return output;
		}
	}

	private void check(CoderResult result, CharBuffer output) {
		if (result.isError()) {
			String what = result.isMalformed() ? "malformed input" : "an unmappable character";
			throw new PipeException(FbdpErrorCode.INVALID_DATA, "The data is not valid "
					+ this.decoder.charset().name() + ": " + what + " of " + result.length() + " byte(s) after "
					+ output.position() + " character(s) of this message");
		}
	}

}
