package dev.butler.protocol.iccp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.Uuids;
import dev.butler.protocol.proto.ConfigProto;
import dev.butler.protocol.proto.PeerIdentification;

/**
 * Encodes {@link IccpMessage ICCP messages} to ZeroMQ frames and decodes them, byte-compatible
 * with Saturnin.
 * <p>
 * Frame 0 is the message type as a 2-byte unsigned big-endian integer. Further frames:
 * <ul>
 * <li>READY: {@code PeerIdentification}, then a {@code google.protobuf.Struct} mapping each
 * channel name to a list of address strings;</li>
 * <li>REQUEST: the request code {@code CONF} (ASCII), then a {@code ConfigProto};</li>
 * <li>ERROR: the error text (UTF-8);</li>
 * <li>FINISHED: the outcome name ({@code OK}, {@code ERROR} or {@code UNKNOWN}, ASCII), then one
 * UTF-8 frame per detail line;</li>
 * <li>OK and STOP: none.</li>
 * </ul>
 * Decoding is strict: any deviation raises an {@link IccpProtocolException}.
 */
public final class IccpCodec {

	private static final String CONFIGURE = "CONF";

	private static final byte[] CONFIGURE_BYTES = CONFIGURE.getBytes(StandardCharsets.US_ASCII);

	private static final int SHOWN_BYTES = 64;

	private IccpCodec() {
	}

	/**
	 * Encode a message to its frames.
	 * @param message the message
	 * @return the frames, the message type first
	 */
	public static List<byte[]> encode(IccpMessage message) {
		Objects.requireNonNull(message, "'message' must not be null");
		List<byte[]> frames = new ArrayList<>(3);
		frames.add(typeFrame(message.type()));
		if (message instanceof IccpMessage.Ready ready) {
			frames.add(toProto(ready.peer()).toByteArray());
			frames.add(toStruct(ready.endpoints()).toByteArray());
		}
		else if (message instanceof IccpMessage.Request request) {
			frames.add(CONFIGURE_BYTES.clone());
			frames.add(request.config().toByteArray());
		}
		else if (message instanceof IccpMessage.Error error) {
			frames.add(error.message().getBytes(StandardCharsets.UTF_8));
		}
		else if (message instanceof IccpMessage.Finished finished) {
			frames.add(finished.outcome().name().getBytes(StandardCharsets.US_ASCII));
			finished.details().forEach((detail) -> frames.add(detail.getBytes(StandardCharsets.UTF_8)));
		}
		return frames;
	}

	/**
	 * Decode frames into a message.
	 * @param frames the frames, the message type first
	 * @return the ICCP message
	 * @throws IccpProtocolException if the frames are not a valid ICCP message
	 */
	public static IccpMessage decode(List<byte[]> frames) {
		Objects.requireNonNull(frames, "'frames' must not be null");
		if (frames.isEmpty()) {
			throw new IccpProtocolException("ICCP message is empty, expected at least the message type frame");
		}
		IccpMessageType type = decodeType(frames.get(0));
		return switch (type) {
			case READY -> decodeReady(frames);
			case REQUEST -> decodeRequest(frames);
			case OK -> {
				expectFrameCount(type, frames, 1, "(type)");
				yield IccpMessage.OK;
			}
			case ERROR -> {
				expectFrameCount(type, frames, 2, "(type, error text)");
				yield new IccpMessage.Error(text(frames.get(1), "ERROR text"));
			}
			case STOP -> {
				expectFrameCount(type, frames, 1, "(type)");
				yield IccpMessage.STOP;
			}
			case FINISHED -> decodeFinished(frames);
		};
	}

	private static byte[] typeFrame(IccpMessageType type) {
		return new byte[] { (byte) (type.code() >>> 8), (byte) type.code() };
	}

	private static IccpMessageType decodeType(byte[] frame) {
		if (frame.length != 2) {
			throw new IccpProtocolException("ICCP message type frame must have 2 bytes, got " + frame.length);
		}
		return IccpMessageType.fromCode(((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF));
	}

	private static IccpMessage decodeReady(List<byte[]> frames) {
		expectFrameCount(IccpMessageType.READY, frames, 3, "(type, PeerIdentification, endpoints Struct)");
		PeerIdentification peer;
		Struct endpoints;
		try {
			peer = PeerIdentification.parseFrom(frames.get(1));
		}
		catch (InvalidProtocolBufferException ex) {
			throw invalidProtobuf("READY", "PeerIdentification", ex);
		}
		try {
			endpoints = Struct.parseFrom(frames.get(2));
		}
		catch (InvalidProtocolBufferException ex) {
			throw invalidProtobuf("READY", "endpoints Struct", ex);
		}
		return new IccpMessage.Ready(toPeer(peer), toEndpoints(endpoints));
	}

	private static IccpMessage decodeRequest(List<byte[]> frames) {
		if (frames.size() >= 2 && !Arrays.equals(frames.get(1), CONFIGURE_BYTES)) {
			throw new IccpProtocolException(
					"Unsupported ICCP request code " + quoteOrHex(frames.get(1)) + ", expected '" + CONFIGURE + "'");
		}
		expectFrameCount(IccpMessageType.REQUEST, frames, 3, "(type, request code, ConfigProto)");
		try {
			return new IccpMessage.Request(ConfigProto.parseFrom(frames.get(2)));
		}
		catch (InvalidProtocolBufferException ex) {
			throw invalidProtobuf("REQUEST", "ConfigProto", ex);
		}
	}

	private static IccpMessage decodeFinished(List<byte[]> frames) {
		if (frames.size() < 2) {
			throw new IccpProtocolException(
					"ICCP FINISHED needs at least 2 frames (type, outcome), got " + frames.size());
		}
		Outcome outcome = decodeOutcome(frames.get(1));
		List<String> details = new ArrayList<>(frames.size() - 2);
		for (int i = 2; i < frames.size(); i++) {
			details.add(text(frames.get(i), "FINISHED detail " + (i - 1)));
		}
		return new IccpMessage.Finished(outcome, details);
	}

	private static Outcome decodeOutcome(byte[] frame) {
		String name = new String(frame, StandardCharsets.US_ASCII);
		for (Outcome outcome : Outcome.values()) {
			if (outcome.name().equals(name)) {
				return outcome;
			}
		}
		throw new IccpProtocolException(
				"Invalid ICCP FINISHED outcome " + quoteOrHex(frame) + ", expected 'OK', 'ERROR' or 'UNKNOWN'");
	}

	private static PeerIdentification toProto(PeerDescriptor peer) {
		return PeerIdentification.newBuilder()
			.setUid(ByteString.copyFrom(Uuids.toBytes(peer.uid())))
			.setPid((int) peer.pid())
			.setHost(peer.host())
			.build();
	}

	private static PeerDescriptor toPeer(PeerIdentification peer) {
		if (peer.getUid().size() != 16) {
			throw new IccpProtocolException(
					"ICCP READY PeerIdentification uid must have 16 bytes, got " + peer.getUid().size());
		}
		return new PeerDescriptor(Uuids.fromBytes(peer.getUid().toByteArray()), Integer.toUnsignedLong(peer.getPid()),
				peer.getHost());
	}

	private static Struct toStruct(Map<String, List<String>> endpoints) {
		Struct.Builder struct = Struct.newBuilder();
		endpoints.forEach((channel, addresses) -> {
			ListValue.Builder list = ListValue.newBuilder();
			addresses.forEach((address) -> list.addValues(Value.newBuilder().setStringValue(address)));
			struct.putFields(channel, Value.newBuilder().setListValue(list).build());
		});
		return struct.build();
	}

	private static Map<String, List<String>> toEndpoints(Struct struct) {
		Map<String, List<String>> endpoints = new LinkedHashMap<>();
		new TreeMap<>(struct.getFieldsMap()).forEach((channel, value) -> {
			if (value.getKindCase() != Value.KindCase.LIST_VALUE) {
				throw new IccpProtocolException("ICCP READY endpoints of channel '" + channel
						+ "' must be a list of address strings, got " + value.getKindCase());
			}
			List<String> addresses = new ArrayList<>(value.getListValue().getValuesCount());
			for (Value address : value.getListValue().getValuesList()) {
				if (address.getKindCase() != Value.KindCase.STRING_VALUE) {
					throw new IccpProtocolException("ICCP READY endpoint address of channel '" + channel
							+ "' must be a string, got " + address.getKindCase());
				}
				addresses.add(address.getStringValue());
			}
			endpoints.put(channel, addresses);
		});
		return endpoints;
	}

	private static void expectFrameCount(IccpMessageType type, List<byte[]> frames, int expected, String layout) {
		if (frames.size() != expected) {
			String needs = (expected == 1) ? " must have exactly 1 frame " : " needs " + expected + " frames ";
			throw new IccpProtocolException("ICCP " + type + needs + layout + ", got " + frames.size());
		}
	}

	private static String text(byte[] frame, String what) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(frame))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new IccpProtocolException("ICCP " + what + " frame must be UTF-8 text, got " + quoteOrHex(frame), ex);
		}
	}

	private static IccpProtocolException invalidProtobuf(String type, String what, InvalidProtocolBufferException ex) {
		return new IccpProtocolException(
				"ICCP " + type + " " + what + " frame is not a valid protobuf message: " + ex.getMessage(), ex);
	}

	/**
	 * Show a frame in an error message: quoted if printable ASCII, else in hex; only its first
	 * {@value #SHOWN_BYTES} bytes, and then its size, so that a huge frame does not make a huge message.
	 */
	private static String quoteOrHex(byte[] frame) {
		int shown = Math.min(frame.length, SHOWN_BYTES);
		String more = (shown < frame.length) ? "… (" + frame.length + " bytes)" : "";
		for (int i = 0; i < shown; i++) {
			if (frame[i] < 0x20 || frame[i] > 0x7E) {
				return "0x" + HexFormat.of().formatHex(frame, 0, shown) + more;
			}
		}
		return "'" + new String(frame, 0, shown, StandardCharsets.US_ASCII) + "'" + more;
	}

}
