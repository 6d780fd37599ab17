package dev.butler.pipe.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.butler.protocol.fbdp.FbdpCodec;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpFlags;
import dev.butler.protocol.fbdp.FbdpMessageType;
import dev.butler.protocol.fbdp.PipeSocket;
import dev.butler.protocol.proto.ErrorDescription;
import dev.butler.protocol.proto.FBDPOpenDataframe;

/**
 * Generators of FBDP input for {@link PipeFuzzer}: valid messages of every type, mutations of them
 * and random frames. A message is a list of frames, the header first, as it goes on the wire.
 */
final class FuzzMessages {

	/** Formats a client may name in OPEN: good ones first, then ones a text service must refuse. */
	static final List<String> FORMATS = List.of("text/plain;charset=utf-8", "text/plain", "TEXT/PLAIN; charset=\"UTF-8\"",
			"text/plain;charset=latin_1;errors=replace", "text/plain;charset=utf_16_le", ";;;", "text/plain;charset=",
			"text/plain;charset=nope", "text/plain;charset=ISO-2022-CN", "text/plain;errors=backslashreplace",
			"text/plain;charset=utf-8;charset=utf-8", "application/octet-stream", "téxt/plain;charset=ütf-8", "=;=",
			"text/plain;charset=" + "x".repeat(5000));

	private static final int GOOD_FORMATS = 5;

	private static final int[] CLOSE_CODES = { 0, 1, 2, 3, 4, 5, 6, 100, 101, 102, 103, 7, 99, 104, 65535 };

	private final Random random;

	private final String pipe;

	private final PipeSocket socket;

	FuzzMessages(Random random, String pipe, PipeSocket socket) {
		this.random = random;
		this.pipe = pipe;
		this.socket = socket;
	}

	/**
	 * A clean OPEN of the target pipe with a good format.
	 */
	List<byte[]> cleanOpen() {
		return open(this.pipe, this.socket.code(), FORMATS.get(0));
	}

	/**
	 * An OPEN of the target pipe, mostly with a good format, sometimes with one it must refuse.
	 */
	List<byte[]> open() {
		int format = (this.random.nextInt(4) == 0) ? this.random.nextInt(FORMATS.size())
				: this.random.nextInt(GOOD_FORMATS);
		return open(this.pipe, this.socket.code(), FORMATS.get(format));
	}

	/**
	 * A valid message of a random type, with random but valid contents: OPEN of this or another
	 * pipe or socket, READY, NOOP, DATA or CLOSE, with or without ACK_REQ.
	 */
	List<byte[]> anyValid() {
		return switch (this.random.nextInt(5)) {
			case 0 -> switch (this.random.nextInt(4)) {
				case 0 -> open("other-" + this.pipe, this.socket.code(), FORMATS.get(0));
				case 1 -> open(this.pipe, (this.socket == PipeSocket.INPUT) ? 2 : 1, FORMATS.get(0));
				default -> open();
			};
			case 1 -> ready(batch());
			case 2 -> message(FbdpMessageType.NOOP, flags(), this.random.nextInt(0x10000));
			case 3 -> data(payload());
			default -> close(CLOSE_CODES[this.random.nextInt(CLOSE_CODES.length)]);
		};
	}

	List<byte[]> ready(int batch) {
		return message(FbdpMessageType.READY, (this.random.nextInt(10) == 0) ? FbdpFlags.ACK_REQ : 0, batch);
	}

	List<byte[]> data(byte[] payload) {
		List<byte[]> frames = message(FbdpMessageType.DATA, (this.random.nextInt(10) == 0) ? FbdpFlags.ACK_REQ : 0,
				this.random.nextInt(0x10000));
		if (payload != null) {
			frames.add(payload);
		}
		return frames;
	}

	List<byte[]> close(int code) {
		List<byte[]> frames = message(FbdpMessageType.CLOSE, 0, code);
		int errors = this.random.nextInt(3);
		for (int i = 0; i < errors; i++) {
			frames.add(ErrorDescription.newBuilder()
				.setCode(code)
				.setDescription(text(this.random.nextInt(40)))
				.build()
				.toByteArray());
		}
		return frames;
	}

	/**
	 * A CLOSE whose ErrorDescription is not a protobuf message.
	 */
	List<byte[]> closeWithGarbage() {
		List<byte[]> frames = message(FbdpMessageType.CLOSE, 0, CLOSE_CODES[this.random.nextInt(CLOSE_CODES.length)]);
		frames.add(bytes(1 + this.random.nextInt(64)));
		return frames;
	}

	/**
	 * A valid message with one or two mutations: header bytes, control byte, version, flags, type
	 * data, a truncated, extended or garbled header, a truncated or garbled protobuf frame, frames
	 * dropped or added.
	 */
	List<byte[]> mutant() {
		List<byte[]> frames = anyValid();
		int mutations = 1 + this.random.nextInt(2);
		for (int i = 0; i < mutations; i++) {
			mutate(frames);
		}
		return frames;
	}

	/**
	 * Random frames: 1 to 8 of them, mostly short, now and then up to 64 KiB.
	 */
	List<byte[]> garbage() {
		int count = 1 + this.random.nextInt(8);
		List<byte[]> frames = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			frames.add(bytes(length()));
		}
		if (this.random.nextBoolean()) {
			// Garbage that gets past the signature check.
			byte[] header = frames.get(0);
			if (header.length >= 4) {
				System.arraycopy(new byte[] { 'F', 'B', 'D', 'P' }, 0, header, 0, 4);
			}
		}
		return frames;
	}

	/**
	 * A DATA payload: mostly short text lines, sometimes random bytes, empty, or long.
	 */
	byte[] payload() {
		return switch (this.random.nextInt(10)) {
			case 0 -> bytes(length());
			case 1 -> new byte[0];
			case 2 -> text(1000 + this.random.nextInt(7000)).getBytes(StandardCharsets.UTF_8);
			default -> ((this.random.nextBoolean() ? "keep " : "drop ") + text(this.random.nextInt(30))
					+ (this.random.nextInt(4) == 0 ? "" : "\n")).getBytes(StandardCharsets.UTF_8);
		};
	}

	/**
	 * A batch size: mostly small, sometimes 0 or the largest.
	 */
	int batch() {
		return switch (this.random.nextInt(8)) {
			case 0 -> 0;
			case 1 -> 0xFFFF;
			default -> 1 + this.random.nextInt(10);
		};
	}

	private void mutate(List<byte[]> frames) {
		byte[] header = frames.get(0);
		switch (this.random.nextInt(12)) {
			case 0 -> flipBit(header);
			case 1 -> {
				if (header.length > 0) {
					header[this.random.nextInt(header.length)] = (byte) this.random.nextInt(256);
				}
			}
			case 2 -> setByte(header, 4, (this.random.nextInt(32) << 3) | FbdpCodec.VERSION);
			case 3 -> setByte(header, 4, (header.length > 4 ? header[4] & 0xF8 : 0) | this.random.nextInt(8));
			case 4 -> setByte(header, 5, this.random.nextInt(256));
			case 5 -> {
				setByte(header, 6, this.random.nextInt(256));
				setByte(header, 7, this.random.nextInt(256));
			}
			case 6 -> frames.set(0, resize(header, this.random.nextInt(8)));
			case 7 -> frames.set(0, resize(header, 9 + this.random.nextInt(8)));
			case 8 -> {
				if (frames.size() > 1) {
					byte[] body = frames.get(1);
					frames.set(1, resize(body, (body.length == 0) ? 0 : this.random.nextInt(body.length)));
				}
				else {
					frames.add(bytes(length()));
				}
			}
			case 9 -> {
				if (frames.size() > 1) {
					flipBit(frames.get(1));
					flipBit(frames.get(1));
				}
				else {
					frames.add(new byte[0]);
				}
			}
			case 10 -> {
				if (frames.size() > 1) {
					frames.remove(frames.size() - 1);
				}
				else {
					frames.add(bytes(length()));
				}
			}
			default -> frames.add(frames.get(this.random.nextInt(frames.size())).clone());
		}
	}

	private List<byte[]> open(String pipe, int socket, String format) {
		FBDPOpenDataframe.Builder open = FBDPOpenDataframe.newBuilder()
			.setDataPipe(pipe)
			.setPipeSocket(socket)
			.setDataFormat(format);
		if (this.random.nextInt(8) == 0) {
			open.setParameters(Struct.newBuilder()
				.putFields(text(8), Value.newBuilder().setStringValue(text(16)).build())
				.build());
		}
		List<byte[]> frames = message(FbdpMessageType.OPEN, 0, 0);
		frames.add(open.build().toByteArray());
		return frames;
	}

	private static List<byte[]> message(FbdpMessageType type, int flags, int typeData) {
		List<byte[]> frames = new ArrayList<>(3);
		frames.add(FbdpCodec.header(type, flags, typeData));
		return frames;
	}

	private int flags() {
		return this.random.nextInt(4) == 0 ? FbdpFlags.ACK_REQ : FbdpFlags.NONE;
	}

	private int length() {
		return switch (this.random.nextInt(16)) {
			case 0 -> this.random.nextInt(65536);
			case 1, 2, 3 -> this.random.nextInt(512);
			default -> this.random.nextInt(17);
		};
	}

	private byte[] bytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

	private String text(int length) {
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			int kind = this.random.nextInt(20);
			if (kind == 0) {
				text.appendCodePoint(0x80 + this.random.nextInt(0x2F00));
			}
			else if (kind == 1) {
				text.appendCodePoint(0x1F600 + this.random.nextInt(64));
			}
			else {
				text.append((char) (' ' + this.random.nextInt(95)));
			}
		}
		return text.toString();
	}

	private void flipBit(byte[] bytes) {
		if (bytes.length > 0) {
			bytes[this.random.nextInt(bytes.length)] ^= (byte) (1 << this.random.nextInt(8));
		}
	}

	private static void setByte(byte[] bytes, int index, int value) {
		if (index < bytes.length) {
			bytes[index] = (byte) value;
		}
	}

	private byte[] resize(byte[] bytes, int length) {
		byte[] resized = new byte[length];
		System.arraycopy(bytes, 0, resized, 0, Math.min(bytes.length, length));
		for (int i = bytes.length; i < length; i++) {
			resized[i] = (byte) this.random.nextInt(256);
		}
		return resized;
	}

	/**
	 * Describe frames for a failure report: the header in hex, the other frames by length.
	 */
	static String describe(List<byte[]> frames) {
		StringBuilder text = new StringBuilder("[");
		for (int i = 0; i < frames.size(); i++) {
			byte[] frame = frames.get(i);
			if (i > 0) {
				text.append(", ");
			}
			text.append((i == 0) ? java.util.HexFormat.of().formatHex(frame, 0, Math.min(frame.length, 16))
					: frame.length + " B");
		}
		return text.append(']').toString();
	}

	static boolean isKnownCloseCode(int code) {
		return FbdpErrorCode.fromCode(code).isPresent();
	}

}
