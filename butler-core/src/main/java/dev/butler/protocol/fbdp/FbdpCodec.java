package dev.butler.protocol.fbdp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.butler.protocol.proto.ErrorDescription;
import dev.butler.protocol.proto.FBDPOpenDataframe;

/**
 * Encodes {@link FbdpMessage FBDP messages} to ZeroMQ frames and decodes them, byte-compatible
 * with Saturnin.
 * <p>
 * Frame 0 is the 8-byte header: the signature {@code FBDP}, the control byte (message type
 * &lt;&lt; 3 | version 1), the flags byte and the type data (unsigned 16-bit big-endian).
 * Further frames:
 * <ul>
 * <li>OPEN: a {@code FBDPOpenDataframe};</li>
 * <li>DATA: at most one payload frame;</li>
 * <li>CLOSE: zero or more {@code ErrorDescription};</li>
 * <li>READY and NOOP: none.</li>
 * </ul>
 * Decoding is strict: any deviation raises an {@link FbdpProtocolException} carrying the error
 * code to close the pipe with.
 * <p>
 * The data path can skip the message records: a sender sends
 * {@code [header(DATA, flags, typeData), payload]} built with {@link #header}, and a receiver
 * checks frame 0 with {@link #isData(byte[])}, then reads {@link #flags(byte[])},
 * {@link #typeData(byte[])} and the payload frame directly, falling back to
 * {@link #decode(List)} for any other message.
 */
public final class FbdpCodec {

	/** The protocol version this codec speaks. */
	public static final int VERSION = 1;

	/** The length of the header frame. */
	public static final int HEADER_LENGTH = 8;

	private static final byte[] SIGNATURE = { 'F', 'B', 'D', 'P' };

	private static final int DATA_CONTROL_BYTE = controlByte(FbdpMessageType.DATA);

	private FbdpCodec() {
	}

	/**
	 * Encode a message to its frames.
	 * @param message the message
	 * @return the frames, the header first
	 */
	public static List<byte[]> encode(FbdpMessage message) {
		return encodeInto(new ArrayList<>(2), message);
	}

	/**
	 * Encode a message to one peer of a ROUTER: the peer's routing id, then the message's frames.
	 * @param routingId the peer's routing id
	 * @param message the message
	 * @return the frames, the routing id first
	 */
	public static List<byte[]> encode(byte[] routingId, FbdpMessage message) {
		List<byte[]> frames = new ArrayList<>(3);
		frames.add(routingId);
		return encodeInto(frames, message);
	}

	private static List<byte[]> encodeInto(List<byte[]> frames, FbdpMessage message) {
		Objects.requireNonNull(message, "'message' must not be null");
		frames.add(header(message.type(), message.flags(), message.typeData()));
		if (message instanceof FbdpMessage.Open open) {
			frames.add(toProto(open).toByteArray());
		}
		else if (message instanceof FbdpMessage.Data data) {
			if (data.payload() != null) {
				frames.add(data.payload());
			}
		}
		else if (message instanceof FbdpMessage.Close close) {
			close.errors().forEach((error) -> frames.add(error.toByteArray()));
		}
		return frames;
	}

	/**
	 * Decode frames into a message. A DATA payload frame is not copied.
	 * @param frames the frames, the header first
	 * @return the FBDP message
	 * @throws FbdpProtocolException if the frames are not a valid FBDP message
	 */
	public static FbdpMessage decode(List<byte[]> frames) {
		Objects.requireNonNull(frames, "'frames' must not be null");
		if (frames.isEmpty()) {
			throw invalid("FBDP message is empty, expected at least the header frame");
		}
		byte[] header = frames.get(0);
		FbdpMessageType type = decodeHeader(header);
		int flags = flags(header);
		int typeData = typeData(header);
		return switch (type) {
			case OPEN -> decodeOpen(frames, flags);
			case READY -> {
				expectFrameCount(type, frames);
				yield new FbdpMessage.Ready(typeData, flags);
			}
			case NOOP -> {
				expectFrameCount(type, frames);
				yield new FbdpMessage.Noop(typeData, flags);
			}
			case DATA -> {
				if (frames.size() > 2) {
					throw invalid("FBDP DATA needs 1 or 2 frames (header, optional payload), got " + frames.size());
				}
				yield new FbdpMessage.Data((frames.size() == 2) ? frames.get(1) : null, typeData, flags);
			}
			case CLOSE -> decodeClose(frames, typeData, flags);
		};
	}

	/**
	 * Build a header frame, for sending without a message record, e.g.
	 * {@code [header(DATA, 0, 0), payload]} on the data path.
	 * @param type the message type
	 * @param flags the flags, a combination of {@link FbdpFlags#ACK_REQ} and
	 * {@link FbdpFlags#ACK_REPLY}
	 * @param typeData the type data, 0 to 65535
	 * @return a new 8-byte header frame
	 */
	public static byte[] header(FbdpMessageType type, int flags, int typeData) {
		Objects.requireNonNull(type, "'type' must not be null");
		if (!FbdpFlags.isValid(flags)) {
			throw new IllegalArgumentException(
					"FBDP flags must be a combination of ACK_REQ (1) and ACK_REPLY (2), got " + flags);
		}
		if (typeData < 0 || typeData > 0xFFFF) {
			throw new IllegalArgumentException("FBDP type data must be 0 to 65535, got " + typeData);
		}
		return new byte[] { SIGNATURE[0], SIGNATURE[1], SIGNATURE[2], SIGNATURE[3], (byte) controlByte(type),
				(byte) flags, (byte) (typeData >>> 8), (byte) typeData };
	}

	/**
	 * Return whether a frame is a valid DATA header: 8 bytes, the {@code FBDP} signature,
	 * version 1, type DATA and only defined flags. If so, the message is a valid DATA message
	 * when it has at most one further frame, its payload; read the header with
	 * {@link #flags(byte[])} and {@link #typeData(byte[])}. If not, decode the message with
	 * {@link #decode(List)}, which says what is wrong.
	 * @param header frame 0 of a received message
	 * @return whether the frame is a valid DATA header
	 */
	public static boolean isData(byte[] header) {
		return header != null && header.length == HEADER_LENGTH && hasSignature(header)
				&& (header[4] & 0xFF) == DATA_CONTROL_BYTE && FbdpFlags.isValid(header[5] & 0xFF);
	}

	/**
	 * Return the flags of a header frame that is known to be valid.
	 * @param header a valid header frame
	 * @return the flags
	 */
	public static int flags(byte[] header) {
		return header[5] & 0xFF;
	}

	/**
	 * Return the type data of a header frame that is known to be valid.
	 * @param header a valid header frame
	 * @return the type data, 0 to 65535
	 */
	public static int typeData(byte[] header) {
		return ((header[6] & 0xFF) << 8) | (header[7] & 0xFF);
	}

	private static int controlByte(FbdpMessageType type) {
		return (type.code() << 3) | VERSION;
	}

	private static boolean hasSignature(byte[] frame) {
		return frame[0] == SIGNATURE[0] && frame[1] == SIGNATURE[1] && frame[2] == SIGNATURE[2]
				&& frame[3] == SIGNATURE[3];
	}

	private static FbdpMessageType decodeHeader(byte[] header) {
		if (header.length >= SIGNATURE.length && !hasSignature(header)) {
			byte[] signature = new byte[SIGNATURE.length];
			System.arraycopy(header, 0, signature, 0, signature.length);
			throw invalid("FBDP header must start with 'FBDP', got " + quoteOrHex(signature));
		}
		if (header.length != HEADER_LENGTH) {
			throw invalid("FBDP header frame must have 8 bytes, got " + header.length);
		}
		int control = header[4] & 0xFF;
		int version = control & 0x07;
		if (version != VERSION) {
			throw new FbdpProtocolException(FbdpErrorCode.FBDP_VERSION_NOT_SUPPORTED,
					"Unsupported FBDP version " + version + ", expected " + VERSION);
		}
		FbdpMessageType type = FbdpMessageType.fromCode(control >>> 3);
		int flags = flags(header);
		if (!FbdpFlags.isValid(flags)) {
			throw invalid("Invalid FBDP flags 0x" + HexFormat.of().toHexDigits((byte) flags)
					+ ", expected a combination of ACK_REQ (0x01) and ACK_REPLY (0x02)");
		}
		return type;
	}

	private static FbdpMessage decodeOpen(List<byte[]> frames, int flags) {
		if (frames.size() != 2) {
			throw invalid("FBDP OPEN needs 2 frames (header, FBDPOpenDataframe), got " + frames.size());
		}
		FBDPOpenDataframe open;
		try {
			open = FBDPOpenDataframe.parseFrom(frames.get(1));
		}
		catch (InvalidProtocolBufferException ex) {
			throw invalidProtobuf("OPEN FBDPOpenDataframe", ex);
		}
		if (open.getDataPipe().isEmpty()) {
			throw invalid("FBDP OPEN data_pipe is empty, expected the name of a data pipe");
		}
		PipeSocket pipeSocket = PipeSocket.fromCode(open.getPipeSocket());
		if (open.getDataFormat().isEmpty()) {
			throw invalid("FBDP OPEN data_format is empty, expected a MIME type");
		}
		return new FbdpMessage.Open(open.getDataPipe(), pipeSocket, open.getDataFormat(), open.getParameters(),
				flags);
	}

	private static FbdpMessage decodeClose(List<byte[]> frames, int errorCode, int flags) {
		List<ErrorDescription> errors = new ArrayList<>(frames.size() - 1);
		for (int i = 1; i < frames.size(); i++) {
			try {
				errors.add(ErrorDescription.parseFrom(frames.get(i)));
			}
			catch (InvalidProtocolBufferException ex) {
				throw invalidProtobuf("CLOSE ErrorDescription " + i, ex);
			}
		}
		return new FbdpMessage.Close(errorCode, errors, flags);
	}

	private static FBDPOpenDataframe toProto(FbdpMessage.Open open) {
		FBDPOpenDataframe.Builder builder = FBDPOpenDataframe.newBuilder()
			.setDataPipe(open.dataPipe())
			.setPipeSocket(open.pipeSocket().code())
			.setDataFormat(open.dataFormat());
		if (open.parameters().getFieldsCount() > 0) {
			builder.setParameters(open.parameters());
		}
		return builder.build();
	}

	private static void expectFrameCount(FbdpMessageType type, List<byte[]> frames) {
		if (frames.size() != 1) {
			throw invalid("FBDP " + type + " must have exactly 1 frame (header), got " + frames.size());
		}
	}

	private static FbdpProtocolException invalid(String message) {
		return new FbdpProtocolException(FbdpErrorCode.INVALID_MESSAGE, message);
	}

	private static FbdpProtocolException invalidProtobuf(String what, InvalidProtocolBufferException ex) {
		return new FbdpProtocolException(FbdpErrorCode.INVALID_MESSAGE,
				"FBDP " + what + " frame is not a valid protobuf message: " + ex.getMessage(), ex);
	}

	private static String quoteOrHex(byte[] frame) {
		for (byte b : frame) {
			if (b < 0x20 || b > 0x7E) {
				return "0x" + HexFormat.of().formatHex(frame);
			}
		}
		return "'" + new String(frame, StandardCharsets.US_ASCII) + "'";
	}

}
