package dev.butler.protocol.iccp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import org.junit.jupiter.api.Test;

import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.proto.ConfigProto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link IccpCodec}. Expected frames are assembled by hand from the wire format, not
 * produced by the protobuf library.
 */
class IccpCodecTests {

	private static final UUID PEER_UID = UUID.fromString("12345678-1234-11ef-8000-0123456789ab");

	private static final byte[] PEER_UID_BYTES = bytes(0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x11, 0xef, 0x80, 0x00,
			0x01, 0x23, 0x45, 0x67, 0x89, 0xab);

	// PeerIdentification{uid, pid: 4242, host: "h1"}
	private static final byte[] PEER_IDENTIFICATION = bytes(0x0a, 16, PEER_UID_BYTES, 0x10, 0x92, 0x21, 0x1a, 2, "h1");

	// Struct{"main": ["inproc://a"]}: entry{key, value: Value{list_value: ListValue{Value{string_value}}}}
	private static final byte[] ENDPOINTS_STRUCT = bytes(0x0a, 24, 0x0a, 4, "main", 0x12, 16, 0x32, 14, 0x0a, 12,
			0x1a, 10, "inproc://a");

	// ConfigProto{options: {"batch_size": Value{as_sint32: 5}}}, sint32 5 zigzag-encoded as 10
	private static final byte[] CONFIG_PROTO = bytes(0x0a, 16, 0x0a, 10, "batch_size", 0x12, 2, 0x38, 0x0a);

	@Test
	void encodeStopShouldBeTypeFrameOnly() {
		assertThat(IccpCodec.encode(IccpMessage.STOP)).containsExactly(bytes(0x00, 0x05));
	}

	@Test
	void encodeOkShouldBeTypeFrameOnly() {
		assertThat(IccpCodec.encode(IccpMessage.OK)).containsExactly(bytes(0x00, 0x03));
	}

	@Test
	void encodeErrorShouldAddUtf8Text() {
		assertThat(IccpCodec.encode(IccpMessage.error("Boom: Ž")))
			.containsExactly(bytes(0x00, 0x04), bytes('B', 'o', 'o', 'm', ':', ' ', 0xc5, 0xbd));
	}

	@Test
	void encodeFinishedShouldAddAsciiOutcomeAndOneFramePerDetail() {
		assertThat(IccpCodec.encode(IccpMessage.finished(Outcome.OK, "a", "b")))
			.containsExactly(bytes(0x00, 0x06), bytes('O', 'K'), bytes('a'), bytes('b'));
	}

	@Test
	void encodeFinishedWithoutDetailsShouldHaveTwoFrames() {
		assertThat(IccpCodec.encode(IccpMessage.finished(Outcome.ERROR)))
			.containsExactly(bytes(0x00, 0x06), bytes("ERROR"));
	}

	@Test
	void encodeRequestShouldAddConfCodeAndConfigProto() {
		ConfigProto config = ConfigProto.newBuilder()
			.putOptions("batch_size", dev.butler.protocol.proto.Value.newBuilder().setAsSint32(5).build())
			.build();
		assertThat(IccpCodec.encode(IccpMessage.configure(config)))
			.containsExactly(bytes(0x00, 0x02), bytes('C', 'O', 'N', 'F'), CONFIG_PROTO);
	}

	@Test
	void encodeReadyShouldAddPeerIdentificationAndEndpointsStruct() {
		IccpMessage ready = IccpMessage.ready(new PeerDescriptor(PEER_UID, 4242, "h1"),
				Map.of("main", List.of("inproc://a")));
		assertThat(IccpCodec.encode(ready)).containsExactly(bytes(0x00, 0x01), PEER_IDENTIFICATION, ENDPOINTS_STRUCT);
	}

	@Test
	void encodeReadyShouldWritePidAsUnsigned32BitVarint() {
		IccpMessage ready = IccpMessage.ready(new PeerDescriptor(PEER_UID, 3_000_000_000L, ""), Map.of());
		assertThat(IccpCodec.encode(ready).get(1))
			.isEqualTo(bytes(0x0a, 16, PEER_UID_BYTES, 0x10, 0x80, 0xbc, 0xc1, 0x96, 0x0b));
	}

	@Test
	void decodeReadyShouldReadHandAssembledFrames() {
		IccpMessage message = IccpCodec.decode(List.of(bytes(0x00, 0x01), PEER_IDENTIFICATION, ENDPOINTS_STRUCT));
		assertThat(message).isEqualTo(
				IccpMessage.ready(new PeerDescriptor(PEER_UID, 4242, "h1"), Map.of("main", List.of("inproc://a"))));
	}

	@Test
	void decodeRequestShouldReadHandAssembledFrames() {
		IccpMessage message = IccpCodec.decode(List.of(bytes(0x00, 0x02), bytes("CONF"), CONFIG_PROTO));
		assertThat(message).isInstanceOfSatisfying(IccpMessage.Request.class, (request) -> assertThat(
				request.config().getOptionsOrThrow("batch_size").getAsSint32()).isEqualTo(5));
	}

	@Test
	void decodeFinishedShouldReadHandAssembledFrames() {
		IccpMessage message = IccpCodec.decode(List.of(bytes(0x00, 0x06), bytes("UNKNOWN"), bytes("x"), bytes("")));
		assertThat(message).isEqualTo(new IccpMessage.Finished(Outcome.UNKNOWN, List.of("x", "")));
	}

	@Test
	void roundTripShouldPreserveEveryMessageType() {
		Map<String, List<String>> endpoints = new LinkedHashMap<>();
		endpoints.put("output", List.of("tcp://127.0.0.1:5001", "ipc://@out"));
		endpoints.put("input", List.of());
		ConfigProto config = ConfigProto.newBuilder()
			.putOptions("pipe", dev.butler.protocol.proto.Value.newBuilder().setAsString("data").build())
			.putConfigs("nested", ConfigProto.getDefaultInstance())
			.build();
		List<IccpMessage> messages = List.of(
				IccpMessage.ready(new PeerDescriptor(PEER_UID, 4_294_967_295L, "host.example"), endpoints),
				IccpMessage.configure(config), IccpMessage.OK, IccpMessage.error("Failed: ünïcode\nsecond line"),
				IccpMessage.STOP, IccpMessage.finished(Outcome.OK), IccpMessage.finished(Outcome.ERROR, "a", "b"),
				IccpMessage.finished(Outcome.UNKNOWN, ""));
		for (IccpMessage message : messages) {
			List<byte[]> frames = IccpCodec.encode(message);
			assertThat(frames.get(0)).isEqualTo(bytes(0, message.type().code()));
			assertThat(IccpCodec.decode(frames)).isEqualTo(message);
		}
	}

	@Test
	void decodeReadyShouldSortChannels() {
		Struct struct = Struct.newBuilder()
			.putFields("b", listOf(Value.newBuilder().setStringValue("inproc://b").build()))
			.putFields("a", listOf(Value.newBuilder().setStringValue("inproc://a").build()))
			.build();
		IccpMessage message = IccpCodec.decode(List.of(bytes(0, 1), PEER_IDENTIFICATION, struct.toByteArray()));
		assertThat(((IccpMessage.Ready) message).endpoints().keySet()).containsExactly("a", "b");
	}

	@Test
	void readyShouldRejectPidBeyondUnsigned32Bits() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> IccpMessage.ready(new PeerDescriptor(PEER_UID, 0x1_0000_0000L, "h"), Map.of()))
			.withMessage("Peer pid must fit in an unsigned 32-bit integer, got 4294967296");
	}

	@Test
	void messageTypeShouldMapCodes() {
		assertThat(IccpMessageType.values()).extracting(IccpMessageType::code).containsExactly(1, 2, 3, 4, 5, 6);
		for (IccpMessageType type : IccpMessageType.values()) {
			assertThat(IccpMessageType.fromCode(type.code())).isSameAs(type);
		}
	}

	@Test
	void decodeEmptyMessageShouldFail() {
		assertInvalid(List.of(), "ICCP message is empty, expected at least the message type frame");
	}

	@Test
	void decodeTypeFrameOfWrongLengthShouldFail() {
		assertInvalid(List.of(bytes(0, 0, 5)), "ICCP message type frame must have 2 bytes, got 3");
		assertInvalid(List.of(bytes(5)), "ICCP message type frame must have 2 bytes, got 1");
	}

	@Test
	void decodeUnknownTypeShouldFail() {
		assertInvalid(List.of(bytes(0, 9)), "Unknown ICCP message type 9, expected 1 (READY) to 6 (FINISHED)");
		assertInvalid(List.of(bytes(0, 0)), "Unknown ICCP message type 0, expected 1 (READY) to 6 (FINISHED)");
		assertInvalid(List.of(bytes(0x01, 0x01)), "Unknown ICCP message type 257, expected 1 (READY) to 6 (FINISHED)");
	}

	@Test
	void decodeOkOrStopWithExtraFramesShouldFail() {
		assertInvalid(List.of(bytes(0, 3), bytes("x")), "ICCP OK must have exactly 1 frame (type), got 2");
		assertInvalid(List.of(bytes(0, 5), bytes()), "ICCP STOP must have exactly 1 frame (type), got 2");
	}

	@Test
	void decodeReadyWithWrongFrameCountShouldFail() {
		assertInvalid(List.of(bytes(0, 1)),
				"ICCP READY needs 3 frames (type, PeerIdentification, endpoints Struct), got 1");
		assertInvalid(List.of(bytes(0, 1), PEER_IDENTIFICATION, ENDPOINTS_STRUCT, bytes()),
				"ICCP READY needs 3 frames (type, PeerIdentification, endpoints Struct), got 4");
	}

	@Test
	void decodeReadyWithInvalidProtobufShouldFail() {
		assertThatExceptionOfType(IccpProtocolException.class)
			.isThrownBy(() -> IccpCodec.decode(List.of(bytes(0, 1), bytes(0x0a, 16, 1, 2), ENDPOINTS_STRUCT)))
			.withMessageStartingWith("ICCP READY PeerIdentification frame is not a valid protobuf message: ")
			.withCauseInstanceOf(InvalidProtocolBufferException.class);
		assertThatExceptionOfType(IccpProtocolException.class)
			.isThrownBy(() -> IccpCodec.decode(List.of(bytes(0, 1), PEER_IDENTIFICATION, bytes(0xff))))
			.withMessageStartingWith("ICCP READY endpoints Struct frame is not a valid protobuf message: ")
			.withCauseInstanceOf(InvalidProtocolBufferException.class);
	}

	@Test
	void decodeReadyWithShortUidShouldFail() {
		assertInvalid(List.of(bytes(0, 1), bytes(0x0a, 3, 1, 2, 3), ENDPOINTS_STRUCT),
				"ICCP READY PeerIdentification uid must have 16 bytes, got 3");
	}

	@Test
	void decodeReadyWithNonListEndpointsShouldFail() {
		Struct struct = Struct.newBuilder()
			.putFields("main", Value.newBuilder().setStringValue("inproc://a").build())
			.build();
		assertInvalid(List.of(bytes(0, 1), PEER_IDENTIFICATION, struct.toByteArray()),
				"ICCP READY endpoints of channel 'main' must be a list of address strings, got STRING_VALUE");
	}

	@Test
	void decodeReadyWithNonStringAddressShouldFail() {
		Struct struct = Struct.newBuilder()
			.putFields("main", listOf(Value.newBuilder().setNumberValue(1).build()))
			.build();
		assertInvalid(List.of(bytes(0, 1), PEER_IDENTIFICATION, struct.toByteArray()),
				"ICCP READY endpoint address of channel 'main' must be a string, got NUMBER_VALUE");
	}

	@Test
	void decodeRequestWithUnsupportedCodeShouldFail() {
		assertInvalid(List.of(bytes(0, 2), bytes("XXXX"), CONFIG_PROTO),
				"Unsupported ICCP request code 'XXXX', expected 'CONF'");
		assertInvalid(List.of(bytes(0, 2), bytes("conf")), "Unsupported ICCP request code 'conf', expected 'CONF'");
		assertInvalid(List.of(bytes(0, 2), bytes(0x00, 0xff), CONFIG_PROTO),
				"Unsupported ICCP request code 0x00ff, expected 'CONF'");
	}

	@Test
	void decodeRequestWithWrongFrameCountShouldFail() {
		assertInvalid(List.of(bytes(0, 2)), "ICCP REQUEST needs 3 frames (type, request code, ConfigProto), got 1");
		assertInvalid(List.of(bytes(0, 2), bytes("CONF")),
				"ICCP REQUEST needs 3 frames (type, request code, ConfigProto), got 2");
		assertInvalid(List.of(bytes(0, 2), bytes("CONF"), CONFIG_PROTO, bytes()),
				"ICCP REQUEST needs 3 frames (type, request code, ConfigProto), got 4");
	}

	@Test
	void decodeRequestWithInvalidConfigProtoShouldFail() {
		assertThatExceptionOfType(IccpProtocolException.class)
			.isThrownBy(() -> IccpCodec.decode(List.of(bytes(0, 2), bytes("CONF"), bytes(0x0a, 0x05, 0x0a))))
			.withMessageStartingWith("ICCP REQUEST ConfigProto frame is not a valid protobuf message: ")
			.withCauseInstanceOf(InvalidProtocolBufferException.class);
	}

	@Test
	void decodeErrorWithWrongFrameCountShouldFail() {
		assertInvalid(List.of(bytes(0, 4)), "ICCP ERROR needs 2 frames (type, error text), got 1");
		assertInvalid(List.of(bytes(0, 4), bytes("a"), bytes("b")),
				"ICCP ERROR needs 2 frames (type, error text), got 3");
	}

	@Test
	void decodeErrorWithInvalidUtf8ShouldFail() {
		assertInvalid(List.of(bytes(0, 4), bytes('a', 0xc3)), "ICCP ERROR text frame must be UTF-8 text, got 0x61c3");
	}

	@Test
	void decodeFinishedWithoutOutcomeShouldFail() {
		assertInvalid(List.of(bytes(0, 6)), "ICCP FINISHED needs at least 2 frames (type, outcome), got 1");
	}

	@Test
	void decodeFinishedWithInvalidOutcomeShouldFail() {
		assertInvalid(List.of(bytes(0, 6), bytes("MAYBE")),
				"Invalid ICCP FINISHED outcome 'MAYBE', expected 'OK', 'ERROR' or 'UNKNOWN'");
		assertInvalid(List.of(bytes(0, 6), bytes("ok")),
				"Invalid ICCP FINISHED outcome 'ok', expected 'OK', 'ERROR' or 'UNKNOWN'");
	}

	@Test
	void decodeFinishedWithInvalidUtf8DetailShouldFail() {
		assertInvalid(List.of(bytes(0, 6), bytes("OK"), bytes("fine"), bytes(0xff)),
				"ICCP FINISHED detail 2 frame must be UTF-8 text, got 0xff");
	}

	private static void assertInvalid(List<byte[]> frames, String message) {
		assertThatExceptionOfType(IccpProtocolException.class).isThrownBy(() -> IccpCodec.decode(frames))
			.withMessage(message);
	}

	private static Value listOf(Value... values) {
		return Value.newBuilder().setListValue(ListValue.newBuilder().addAllValues(List.of(values))).build();
	}

	private static byte[] bytes(Object... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (Object part : parts) {
			if (part instanceof Integer value) {
				out.write(value);
			}
			else if (part instanceof Character value) {
				out.write(value);
			}
			else if (part instanceof String value) {
				out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
			}
			else {
				out.writeBytes((byte[]) part);
			}
		}
		return out.toByteArray();
	}

}
