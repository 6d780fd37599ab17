package dev.butler.protocol.fbdp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import org.junit.jupiter.api.Test;

import dev.butler.protocol.proto.ErrorDescription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link FbdpCodec}. Expected frames are assembled by hand from the wire format, not
 * produced by the protobuf library.
 */
class FbdpCodecTests {

	private static final byte[] SIGNATURE = bytes('F', 'B', 'D', 'P');

	// FBDPOpenDataframe{data_pipe: "pipe", pipe_socket: 1, data_format: "text/plain;charset=utf-8"}
	private static final byte[] OPEN_DATAFRAME = bytes(0x0a, 4, "pipe", 0x10, 0x01, 0x1a, 24,
			"text/plain;charset=utf-8");

	// parameters: Struct{"k": Value{string_value: "v"}} as field 4
	private static final byte[] OPEN_PARAMETERS = bytes(0x22, 10, 0x0a, 8, 0x0a, 1, "k", 0x12, 3, 0x1a, 1, "v");

	// ErrorDescription{code: 100, description: "Unknown pipe 'x'"}
	private static final byte[] ERROR_DESCRIPTION = bytes(0x08, 100, 0x12, 16, "Unknown pipe 'x'");

	@Test
	void encodeReadyShouldBeHeaderWithBatchSize() {
		assertThat(FbdpCodec.encode(FbdpMessage.ready(50)))
			.containsExactly(bytes(0x46, 0x42, 0x44, 0x50, 0x11, 0x00, 0x00, 0x32));
	}

	@Test
	void encodeReadyShouldWriteBatchSizeBigEndian() {
		assertThat(FbdpCodec.encode(FbdpMessage.ready(300))).containsExactly(bytes(SIGNATURE, 0x11, 0, 0x01, 0x2c));
		assertThat(FbdpCodec.encode(FbdpMessage.ready(65535))).containsExactly(bytes(SIGNATURE, 0x11, 0, 0xff, 0xff));
		assertThat(FbdpCodec.encode(FbdpMessage.ready(0))).containsExactly(bytes(SIGNATURE, 0x11, 0, 0, 0));
	}

	@Test
	void encodeNoopShouldBeHeaderOnly() {
		assertThat(FbdpCodec.encode(FbdpMessage.noop())).containsExactly(bytes(SIGNATURE, 0x19, 0, 0, 0));
		assertThat(FbdpCodec.encode(new FbdpMessage.Noop(0x1234, FbdpFlags.ACK_REQ)))
			.containsExactly(bytes(SIGNATURE, 0x19, 0x01, 0x12, 0x34));
	}

	@Test
	void encodeDataShouldAddPayloadFrame() {
		byte[] payload = bytes("abc");
		List<byte[]> frames = FbdpCodec.encode(FbdpMessage.data(payload));
		assertThat(frames).containsExactly(bytes(SIGNATURE, 0x21, 0, 0, 0), bytes("abc"));
		assertThat(frames.get(1)).isSameAs(payload);
	}

	@Test
	void encodeToAPeerShouldPutItsRoutingIdBeforeTheFrames() {
		byte[] peer = bytes("peer");
		List<byte[]> frames = FbdpCodec.encode(peer, FbdpMessage.data(bytes("abc")));
		assertThat(frames).containsExactly(bytes("peer"), bytes(SIGNATURE, 0x21, 0, 0, 0), bytes("abc"));
		assertThat(frames.get(0)).isSameAs(peer);
	}

	@Test
	void encodeDataWithAckRequestShouldSetFlagAndTypeData() {
		assertThat(FbdpCodec.encode(new FbdpMessage.Data(bytes(0xde, 0xad), 7, FbdpFlags.ACK_REQ)))
			.containsExactly(bytes(0x46, 0x42, 0x44, 0x50, 0x21, 0x01, 0x00, 0x07), bytes(0xde, 0xad));
	}

	@Test
	void encodeDataWithoutPayloadShouldBeHeaderOnly() {
		assertThat(FbdpCodec.encode(FbdpMessage.data(null))).containsExactly(bytes(SIGNATURE, 0x21, 0, 0, 0));
	}

	@Test
	void encodeDataWithEmptyPayloadShouldAddEmptyFrame() {
		assertThat(FbdpCodec.encode(FbdpMessage.data(new byte[0]))).containsExactly(bytes(SIGNATURE, 0x21, 0, 0, 0),
				bytes());
	}

	@Test
	void encodeOpenShouldAddOpenDataframe() {
		FbdpMessage open = FbdpMessage.open("pipe", PipeSocket.INPUT, "text/plain;charset=utf-8");
		assertThat(FbdpCodec.encode(open)).containsExactly(bytes(0x46, 0x42, 0x44, 0x50, 0x09, 0, 0, 0),
				OPEN_DATAFRAME);
	}

	@Test
	void encodeOpenWithParametersShouldAddStruct() {
		FbdpMessage open = new FbdpMessage.Open("pipe", PipeSocket.INPUT, "text/plain;charset=utf-8",
				Struct.newBuilder().putFields("k", Value.newBuilder().setStringValue("v").build()).build());
		assertThat(FbdpCodec.encode(open)).containsExactly(bytes(SIGNATURE, 0x09, 0, 0, 0),
				bytes(OPEN_DATAFRAME, OPEN_PARAMETERS));
	}

	@Test
	void encodeOpenWithEmptyParametersShouldOmitThem() {
		FbdpMessage open = new FbdpMessage.Open("pipe", PipeSocket.INPUT, "text/plain;charset=utf-8",
				Struct.getDefaultInstance());
		assertThat(FbdpCodec.encode(open).get(1)).isEqualTo(OPEN_DATAFRAME);
	}

	@Test
	void encodeCloseWithDescriptionShouldAddErrorDescription() {
		FbdpMessage close = FbdpMessage.close(FbdpErrorCode.PIPE_ENDPOINT_UNAVAILABLE, "Unknown pipe 'x'");
		assertThat(FbdpCodec.encode(close)).containsExactly(bytes(0x46, 0x42, 0x44, 0x50, 0x29, 0x00, 0x00, 0x64),
				ERROR_DESCRIPTION);
	}

	@Test
	void encodeCloseOkShouldBeHeaderOnly() {
		assertThat(FbdpCodec.encode(FbdpMessage.close(FbdpErrorCode.OK)))
			.containsExactly(bytes(SIGNATURE, 0x29, 0, 0, 0));
	}

	@Test
	void encodeCloseShouldAddOneFramePerErrorDescription() {
		ErrorDescription first = ErrorDescription.newBuilder().setCode(100).setDescription("Unknown pipe 'x'").build();
		ErrorDescription second = ErrorDescription.newBuilder().setDescription("b").build();
		FbdpMessage close = new FbdpMessage.Close(3, List.of(first, second));
		assertThat(FbdpCodec.encode(close)).containsExactly(bytes(SIGNATURE, 0x29, 0, 0, 3), ERROR_DESCRIPTION,
				bytes(0x12, 1, "b"));
	}

	@Test
	void decodeReadyShouldReadHandAssembledHeader() {
		assertThat(FbdpCodec.decode(List.of(bytes(0x46, 0x42, 0x44, 0x50, 0x11, 0x00, 0x00, 0x32))))
			.isEqualTo(FbdpMessage.ready(50));
		assertThat(FbdpCodec.decode(List.of(bytes(SIGNATURE, 0x11, 0x03, 0xff, 0xfe))))
			.isEqualTo(new FbdpMessage.Ready(65534, FbdpFlags.ACK_REQ | FbdpFlags.ACK_REPLY));
	}

	@Test
	void decodeOpenShouldReadHandAssembledFrames() {
		FbdpMessage message = FbdpCodec.decode(List.of(bytes(SIGNATURE, 0x09, 0, 0, 0), OPEN_DATAFRAME));
		assertThat(message).isEqualTo(FbdpMessage.open("pipe", PipeSocket.INPUT, "text/plain;charset=utf-8"));
	}

	@Test
	void decodeOpenWithParametersShouldReadStruct() {
		byte[] dataframe = bytes(0x0a, 1, "p", 0x10, 0x02, 0x1a, 1, "x", OPEN_PARAMETERS);
		FbdpMessage message = FbdpCodec.decode(List.of(bytes(SIGNATURE, 0x09, 0, 0, 0), dataframe));
		assertThat(message).isInstanceOfSatisfying(FbdpMessage.Open.class, (open) -> {
			assertThat(open.dataPipe()).isEqualTo("p");
			assertThat(open.pipeSocket()).isEqualTo(PipeSocket.OUTPUT);
			assertThat(open.dataFormat()).isEqualTo("x");
			assertThat(open.parameters().getFieldsOrThrow("k").getStringValue()).isEqualTo("v");
		});
	}

	@Test
	void decodeOpenShouldIgnoreTypeData() {
		FbdpMessage message = FbdpCodec.decode(List.of(bytes(SIGNATURE, 0x09, 0, 0x12, 0x34), OPEN_DATAFRAME));
		assertThat(message.typeData()).isZero();
	}

	@Test
	void decodeDataShouldReadPayloadWithoutCopying() {
		byte[] payload = bytes("hello");
		FbdpMessage message = FbdpCodec.decode(List.of(bytes(SIGNATURE, 0x21, 0x01, 0x00, 0x07), payload));
		assertThat(message).isEqualTo(new FbdpMessage.Data(bytes("hello"), 7, FbdpFlags.ACK_REQ));
		assertThat(((FbdpMessage.Data) message).payload()).isSameAs(payload);
		assertThat(message.hasAckRequest()).isTrue();
		assertThat(message.hasAckReply()).isFalse();
	}

	@Test
	void decodeDataWithoutPayloadShouldHaveNullPayload() {
		FbdpMessage message = FbdpCodec.decode(List.of(bytes(SIGNATURE, 0x21, 0x02, 0x00, 0x07)));
		assertThat(message).isEqualTo(new FbdpMessage.Data(null, 7, FbdpFlags.ACK_REPLY));
		assertThat(message.hasAckReply()).isTrue();
	}

	@Test
	void decodeDataWithEmptyPayloadShouldKeepEmptyFrame() {
		FbdpMessage message = FbdpCodec.decode(List.of(bytes(SIGNATURE, 0x21, 0, 0, 0), bytes()));
		assertThat(((FbdpMessage.Data) message).payload()).isEmpty();
		assertThat(message).isNotEqualTo(FbdpMessage.data(null));
	}

	@Test
	void decodeCloseShouldReadHandAssembledFrames() {
		FbdpMessage message = FbdpCodec
			.decode(List.of(bytes(0x46, 0x42, 0x44, 0x50, 0x29, 0x00, 0x00, 0x64), ERROR_DESCRIPTION));
		assertThat(message).isEqualTo(FbdpMessage.close(FbdpErrorCode.PIPE_ENDPOINT_UNAVAILABLE, "Unknown pipe 'x'"));
		FbdpMessage.Close close = (FbdpMessage.Close) message;
		assertThat(close.code()).isEqualTo(FbdpErrorCode.PIPE_ENDPOINT_UNAVAILABLE);
		assertThat(close.errors()).singleElement().satisfies((error) -> {
			assertThat(error.getCode()).isEqualTo(100);
			assertThat(error.getDescription()).isEqualTo("Unknown pipe 'x'");
		});
	}

	@Test
	void decodeCloseWithoutErrorDescriptionsShouldHaveNoErrors() {
		FbdpMessage message = FbdpCodec.decode(List.of(bytes(SIGNATURE, 0x29, 0, 0, 0)));
		assertThat(message).isEqualTo(FbdpMessage.close(FbdpErrorCode.OK));
		assertThat(((FbdpMessage.Close) message).code()).isEqualTo(FbdpErrorCode.OK);
	}

	@Test
	void decodeCloseWithUnknownCodeShouldKeepIt() {
		FbdpMessage message = FbdpCodec.decode(List.of(bytes(SIGNATURE, 0x29, 0, 0x00, 0xc8), bytes(0x08, 0xc8, 0x01)));
		assertThat(message).isInstanceOfSatisfying(FbdpMessage.Close.class, (close) -> {
			assertThat(close.errorCode()).isEqualTo(200);
			assertThat(close.typeData()).isEqualTo(200);
			assertThat(close.code()).isEqualTo(FbdpErrorCode.ERROR);
			assertThat(close.errors()).singleElement().satisfies((error) -> assertThat(error.getCode()).isEqualTo(200));
		});
		assertThat(FbdpCodec.encode(message).get(0)).isEqualTo(bytes(SIGNATURE, 0x29, 0, 0x00, 0xc8));
	}

	@Test
	void ackReplyToDataShouldEchoHeaderWithAckReplyAndNoPayload() {
		FbdpMessage request = FbdpCodec.decode(List.of(bytes(SIGNATURE, 0x21, 0x01, 0x00, 0x07), bytes("x")));
		FbdpMessage reply = FbdpMessage.ackReply(request);
		assertThat(reply).isEqualTo(new FbdpMessage.Data(null, 7, FbdpFlags.ACK_REPLY));
		assertThat(FbdpCodec.encode(reply)).containsExactly(bytes(0x46, 0x42, 0x44, 0x50, 0x21, 0x02, 0x00, 0x07));
	}

	@Test
	void ackReplyToNoopShouldEchoTypeData() {
		FbdpMessage reply = FbdpMessage.ackReply(new FbdpMessage.Noop(0xabcd, FbdpFlags.ACK_REQ));
		assertThat(FbdpCodec.encode(reply)).containsExactly(bytes(SIGNATURE, 0x19, 0x02, 0xab, 0xcd));
	}

	@Test
	void ackReplyToReadyShouldEchoBatchSize() {
		FbdpMessage reply = FbdpMessage.ackReply(new FbdpMessage.Ready(50, FbdpFlags.ACK_REQ));
		assertThat(FbdpCodec.encode(reply)).containsExactly(bytes(SIGNATURE, 0x11, 0x02, 0x00, 0x32));
	}

	@Test
	void ackReplyToCloseShouldDropErrorDescriptions() {
		FbdpMessage.Close close = FbdpMessage.close(FbdpErrorCode.TIMEOUT, "slow");
		FbdpMessage request = new FbdpMessage.Close(close.errorCode(), close.errors(), FbdpFlags.ACK_REQ);
		assertThat(FbdpCodec.encode(FbdpMessage.ackReply(request)))
			.containsExactly(bytes(SIGNATURE, 0x29, 0x02, 0x00, 0x06));
	}

	@Test
	void ackReplyShouldKeepAckReplyIfAlreadySet() {
		FbdpMessage reply = FbdpMessage.ackReply(FbdpMessage.noop());
		assertThat(reply.flags()).isEqualTo(FbdpFlags.ACK_REPLY);
	}

	@Test
	void ackReplyToOpenShouldFail() {
		FbdpMessage open = new FbdpMessage.Open("pipe", PipeSocket.INPUT, "text/plain", null, FbdpFlags.ACK_REQ);
		assertThatIllegalArgumentException().isThrownBy(() -> FbdpMessage.ackReply(open))
			.withMessage("FBDP OPEN is not acknowledged with ACK_REPLY");
	}

	@Test
	void roundTripShouldPreserveEveryMessageType() {
		Struct parameters = Struct.newBuilder()
			.putFields("batch_size", Value.newBuilder().setNumberValue(5).build())
			.putFields("name", Value.newBuilder().setStringValue("ünïcode").build())
			.build();
		ErrorDescription detailed = ErrorDescription.newBuilder()
			.setCode(Long.MAX_VALUE)
			.setDescription("detail")
			.setContext(parameters)
			.build();
		List<FbdpMessage> messages = List.of(FbdpMessage.open("pipe", PipeSocket.OUTPUT, "text/plain;charset=utf-8"),
				new FbdpMessage.Open("p", PipeSocket.INPUT, "application/x.fb.proto;type=x", parameters,
						FbdpFlags.ACK_REQ),
				FbdpMessage.ready(0), FbdpMessage.ready(50), new FbdpMessage.Ready(65535, FbdpFlags.ACK_REPLY),
				FbdpMessage.noop(), new FbdpMessage.Noop(65535, FbdpFlags.ACK_REQ), FbdpMessage.data(bytes("abc")),
				FbdpMessage.data(null), FbdpMessage.data(new byte[0]),
				new FbdpMessage.Data(bytes(0x00, 0xff), 42, FbdpFlags.ACK_REQ),
				new FbdpMessage.Data(null, 42, FbdpFlags.ACK_REPLY), FbdpMessage.close(FbdpErrorCode.OK),
				FbdpMessage.close(FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED, "Only text/plain"),
				new FbdpMessage.Close(65535, List.of(detailed, ErrorDescription.getDefaultInstance()),
						FbdpFlags.ACK_REQ));
		for (FbdpMessage message : messages) {
			List<byte[]> frames = FbdpCodec.encode(message);
			assertThat(frames.get(0)).startsWith(SIGNATURE);
			assertThat(frames.get(0)[4]).isEqualTo((byte) (message.type().code() << 3 | 1));
			assertThat(FbdpCodec.decode(frames)).isEqualTo(message);
		}
	}

	@Test
	void headerShouldBuildDataHeader() {
		assertThat(FbdpCodec.header(FbdpMessageType.DATA, FbdpFlags.ACK_REQ, 7))
			.isEqualTo(bytes(0x46, 0x42, 0x44, 0x50, 0x21, 0x01, 0x00, 0x07));
		assertThat(FbdpCodec.header(FbdpMessageType.CLOSE, FbdpFlags.NONE, 100))
			.isEqualTo(bytes(0x46, 0x42, 0x44, 0x50, 0x29, 0x00, 0x00, 0x64));
	}

	@Test
	void headerWithInvalidArgumentsShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> FbdpCodec.header(FbdpMessageType.DATA, 4, 0))
			.withMessage("FBDP flags must be a combination of ACK_REQ (1) and ACK_REPLY (2), got 4");
		assertThatIllegalArgumentException().isThrownBy(() -> FbdpCodec.header(FbdpMessageType.DATA, 0, 65536))
			.withMessage("FBDP type data must be 0 to 65535, got 65536");
		assertThatIllegalArgumentException().isThrownBy(() -> FbdpCodec.header(FbdpMessageType.DATA, 0, -1))
			.withMessage("FBDP type data must be 0 to 65535, got -1");
	}

	@Test
	void isDataShouldAcceptValidDataHeaders() {
		assertThat(FbdpCodec.isData(bytes(SIGNATURE, 0x21, 0, 0, 0))).isTrue();
		assertThat(FbdpCodec.isData(bytes(SIGNATURE, 0x21, 0x03, 0xff, 0xff))).isTrue();
		assertThat(FbdpCodec.isData(FbdpCodec.header(FbdpMessageType.DATA, FbdpFlags.ACK_REPLY, 9))).isTrue();
	}

	@Test
	void isDataShouldRejectAnythingElse() {
		assertThat(FbdpCodec.isData(null)).isFalse();
		assertThat(FbdpCodec.isData(bytes())).isFalse();
		assertThat(FbdpCodec.isData(bytes(SIGNATURE, 0x11, 0, 0, 0))).isFalse();
		assertThat(FbdpCodec.isData(bytes(SIGNATURE, 0x22, 0, 0, 0))).isFalse();
		assertThat(FbdpCodec.isData(bytes(SIGNATURE, 0x21, 0x04, 0, 0))).isFalse();
		assertThat(FbdpCodec.isData(bytes(SIGNATURE, 0x21, 0, 0))).isFalse();
		assertThat(FbdpCodec.isData(bytes(SIGNATURE, 0x21, 0, 0, 0, 0))).isFalse();
		assertThat(FbdpCodec.isData(bytes("FBSP", 0x21, 0, 0, 0))).isFalse();
	}

	@Test
	void flagsAndTypeDataShouldReadHeader() {
		byte[] header = bytes(SIGNATURE, 0x21, 0x01, 0xfe, 0xdc);
		assertThat(FbdpCodec.flags(header)).isEqualTo(FbdpFlags.ACK_REQ);
		assertThat(FbdpCodec.typeData(header)).isEqualTo(0xfedc);
	}

	@Test
	void flagsShouldTellAckRequestAndReply() {
		assertThat(FbdpFlags.hasAckRequest(FbdpFlags.ACK_REQ)).isTrue();
		assertThat(FbdpFlags.hasAckRequest(FbdpFlags.ACK_REPLY)).isFalse();
		assertThat(FbdpFlags.hasAckReply(FbdpFlags.ACK_REPLY)).isTrue();
		assertThat(FbdpFlags.hasAckReply(FbdpFlags.NONE)).isFalse();
		assertThat(FbdpFlags.isValid(3)).isTrue();
		assertThat(FbdpFlags.isValid(4)).isFalse();
	}

	@Test
	void messageTypeShouldMapCodes() {
		assertThat(FbdpMessageType.values()).extracting(FbdpMessageType::code).containsExactly(1, 2, 3, 4, 5);
		for (FbdpMessageType type : FbdpMessageType.values()) {
			assertThat(FbdpMessageType.fromCode(type.code())).isSameAs(type);
		}
	}

	@Test
	void errorCodeShouldMapCodes() {
		assertThat(FbdpErrorCode.values()).extracting(FbdpErrorCode::code)
			.containsExactly(0, 1, 2, 3, 4, 5, 6, 100, 101, 102, 103);
		for (FbdpErrorCode code : FbdpErrorCode.values()) {
			assertThat(FbdpErrorCode.fromCode(code.code())).containsSame(code);
		}
		assertThat(FbdpErrorCode.fromCode(7)).isEmpty();
		assertThat(FbdpErrorCode.fromCode(200)).isEmpty();
	}

	@Test
	void pipeSocketShouldMapCodes() {
		assertThat(PipeSocket.fromCode(1)).isSameAs(PipeSocket.INPUT);
		assertThat(PipeSocket.fromCode(2)).isSameAs(PipeSocket.OUTPUT);
		assertThatExceptionOfType(FbdpProtocolException.class).isThrownBy(() -> PipeSocket.fromCode(-1))
			.withMessage("Unknown FBDP pipe socket 4294967295, expected 1 (INPUT) or 2 (OUTPUT)")
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(FbdpErrorCode.INVALID_MESSAGE));
	}

	@Test
	void messagesShouldRejectInvalidHeaderValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> FbdpMessage.ready(65536))
			.withMessage("FBDP READY batch size must be 0 to 65535, got 65536");
		assertThatIllegalArgumentException().isThrownBy(() -> FbdpMessage.ready(-1))
			.withMessage("FBDP READY batch size must be 0 to 65535, got -1");
		assertThatIllegalArgumentException().isThrownBy(() -> new FbdpMessage.Noop(70000, 0))
			.withMessage("FBDP NOOP type data must be 0 to 65535, got 70000");
		assertThatIllegalArgumentException().isThrownBy(() -> new FbdpMessage.Data(null, -2, 0))
			.withMessage("FBDP DATA type data must be 0 to 65535, got -2");
		assertThatIllegalArgumentException().isThrownBy(() -> new FbdpMessage.Close(65536, List.of()))
			.withMessage("FBDP CLOSE error code must be 0 to 65535, got 65536");
		assertThatIllegalArgumentException().isThrownBy(() -> new FbdpMessage.Data(null, 0, 8))
			.withMessage("FBDP flags must be a combination of ACK_REQ (1) and ACK_REPLY (2), got 8");
	}

	@Test
	void openShouldRejectEmptyPipeOrFormat() {
		assertThatIllegalArgumentException().isThrownBy(() -> FbdpMessage.open("", PipeSocket.INPUT, "text/plain"))
			.withMessage("FBDP OPEN data pipe must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> FbdpMessage.open("pipe", PipeSocket.INPUT, ""))
			.withMessage("FBDP OPEN data format must not be empty");
	}

	@Test
	void dataShouldCompareAndPrintPayloadContent() {
		assertThat(FbdpMessage.data(bytes("a"))).isEqualTo(FbdpMessage.data(bytes("a")))
			.hasSameHashCodeAs(FbdpMessage.data(bytes("a")))
			.isNotEqualTo(FbdpMessage.data(bytes("b")));
		assertThat(FbdpMessage.data(bytes("abc"))).hasToString("Data[payload=3 bytes, typeData=0, flags=0]");
		assertThat(FbdpMessage.data(null)).hasToString("Data[payload=none, typeData=0, flags=0]");
	}

	@Test
	void decodeEmptyMessageShouldFail() {
		assertInvalid(List.of(), FbdpErrorCode.INVALID_MESSAGE,
				"FBDP message is empty, expected at least the header frame");
	}

	@Test
	void decodeWrongSignatureShouldFail() {
		assertInvalid(List.of(bytes("FBSP", 0x21, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8)), FbdpErrorCode.INVALID_MESSAGE,
				"FBDP header must start with 'FBDP', got 'FBSP'");
		assertInvalid(List.of(bytes(0, 1, 2, 3, 0x21, 0, 0, 0)), FbdpErrorCode.INVALID_MESSAGE,
				"FBDP header must start with 'FBDP', got 0x00010203");
		assertInvalid(List.of(bytes("fbdp", 0x21, 0, 0, 0)), FbdpErrorCode.INVALID_MESSAGE,
				"FBDP header must start with 'FBDP', got 'fbdp'");
	}

	@Test
	void decodeHeaderOfWrongLengthShouldFail() {
		assertInvalid(List.of(bytes(SIGNATURE, 0x11, 0, 0)), FbdpErrorCode.INVALID_MESSAGE,
				"FBDP header frame must have 8 bytes, got 7");
		assertInvalid(List.of(bytes(SIGNATURE, 0x11, 0, 0, 0, 0)), FbdpErrorCode.INVALID_MESSAGE,
				"FBDP header frame must have 8 bytes, got 9");
		assertInvalid(List.of(bytes('F', 'B')), FbdpErrorCode.INVALID_MESSAGE,
				"FBDP header frame must have 8 bytes, got 2");
		assertInvalid(List.of(bytes()), FbdpErrorCode.INVALID_MESSAGE, "FBDP header frame must have 8 bytes, got 0");
	}

	@Test
	void decodeUnsupportedVersionShouldFail() {
		assertInvalid(List.of(bytes(SIGNATURE, 0x12, 0, 0, 0x32)), FbdpErrorCode.FBDP_VERSION_NOT_SUPPORTED,
				"Unsupported FBDP version 2, expected 1");
		assertInvalid(List.of(bytes(SIGNATURE, 0x10, 0, 0, 0x32)), FbdpErrorCode.FBDP_VERSION_NOT_SUPPORTED,
				"Unsupported FBDP version 0, expected 1");
		assertInvalid(List.of(bytes(SIGNATURE, 0xff, 0, 0, 0)), FbdpErrorCode.FBDP_VERSION_NOT_SUPPORTED,
				"Unsupported FBDP version 7, expected 1");
	}

	@Test
	void decodeUnknownTypeShouldFail() {
		assertInvalid(List.of(bytes(SIGNATURE, 0x31, 0, 0, 0)), FbdpErrorCode.INVALID_MESSAGE,
				"Unknown FBDP message type 6, expected 1 (OPEN) to 5 (CLOSE)");
		assertInvalid(List.of(bytes(SIGNATURE, 0x01, 0, 0, 0)), FbdpErrorCode.INVALID_MESSAGE,
				"Unknown FBDP message type 0, expected 1 (OPEN) to 5 (CLOSE)");
		assertInvalid(List.of(bytes(SIGNATURE, 0xf9, 0, 0, 0)), FbdpErrorCode.INVALID_MESSAGE,
				"Unknown FBDP message type 31, expected 1 (OPEN) to 5 (CLOSE)");
	}

	@Test
	void decodeUndefinedFlagsShouldFail() {
		assertInvalid(List.of(bytes(SIGNATURE, 0x21, 0x04, 0, 0)), FbdpErrorCode.INVALID_MESSAGE,
				"Invalid FBDP flags 0x04, expected a combination of ACK_REQ (0x01) and ACK_REPLY (0x02)");
		assertInvalid(List.of(bytes(SIGNATURE, 0x19, 0x81, 0, 0)), FbdpErrorCode.INVALID_MESSAGE,
				"Invalid FBDP flags 0x81, expected a combination of ACK_REQ (0x01) and ACK_REPLY (0x02)");
	}

	@Test
	void decodeOpenWithWrongFrameCountShouldFail() {
		assertInvalid(List.of(bytes(SIGNATURE, 0x09, 0, 0, 0)), FbdpErrorCode.INVALID_MESSAGE,
				"FBDP OPEN needs 2 frames (header, FBDPOpenDataframe), got 1");
		assertInvalid(List.of(bytes(SIGNATURE, 0x09, 0, 0, 0), OPEN_DATAFRAME, bytes()), FbdpErrorCode.INVALID_MESSAGE,
				"FBDP OPEN needs 2 frames (header, FBDPOpenDataframe), got 3");
	}

	@Test
	void decodeReadyOrNoopWithExtraFramesShouldFail() {
		assertInvalid(List.of(bytes(SIGNATURE, 0x11, 0, 0, 0x32), bytes()), FbdpErrorCode.INVALID_MESSAGE,
				"FBDP READY must have exactly 1 frame (header), got 2");
		assertInvalid(List.of(bytes(SIGNATURE, 0x19, 0, 0, 0), bytes("x"), bytes("y")), FbdpErrorCode.INVALID_MESSAGE,
				"FBDP NOOP must have exactly 1 frame (header), got 3");
	}

	@Test
	void decodeDataWithMoreThanOnePayloadFrameShouldFail() {
		assertInvalid(List.of(bytes(SIGNATURE, 0x21, 0, 0, 0), bytes("a"), bytes("b")), FbdpErrorCode.INVALID_MESSAGE,
				"FBDP DATA needs 1 or 2 frames (header, optional payload), got 3");
	}

	@Test
	void decodeOpenWithInvalidProtobufShouldFail() {
		assertInvalidProtobuf(List.of(bytes(SIGNATURE, 0x09, 0, 0, 0), bytes(0x0a, 5, "pi")),
				"FBDP OPEN FBDPOpenDataframe frame is not a valid protobuf message: ");
		assertInvalidProtobuf(List.of(bytes(SIGNATURE, 0x09, 0, 0, 0), bytes(0x0a, 1, 0xff, 0x10, 1, 0x1a, 1, "x")),
				"FBDP OPEN FBDPOpenDataframe frame is not a valid protobuf message: ");
	}

	@Test
	void decodeOpenWithUnknownPipeSocketShouldFail() {
		assertInvalid(List.of(bytes(SIGNATURE, 0x09, 0, 0, 0), bytes(0x0a, 1, "p", 0x10, 3, 0x1a, 1, "x")),
				FbdpErrorCode.INVALID_MESSAGE, "Unknown FBDP pipe socket 3, expected 1 (INPUT) or 2 (OUTPUT)");
		assertInvalid(List.of(bytes(SIGNATURE, 0x09, 0, 0, 0), bytes(0x0a, 1, "p", 0x1a, 1, "x")),
				FbdpErrorCode.INVALID_MESSAGE, "Unknown FBDP pipe socket 0, expected 1 (INPUT) or 2 (OUTPUT)");
	}

	@Test
	void decodeOpenWithoutDataPipeShouldFail() {
		assertInvalid(List.of(bytes(SIGNATURE, 0x09, 0, 0, 0), bytes(0x10, 1, 0x1a, 1, "x")),
				FbdpErrorCode.INVALID_MESSAGE, "FBDP OPEN data_pipe is empty, expected the name of a data pipe");
	}

	@Test
	void decodeOpenWithoutDataFormatShouldFail() {
		assertInvalid(List.of(bytes(SIGNATURE, 0x09, 0, 0, 0), bytes(0x0a, 1, "p", 0x10, 2)),
				FbdpErrorCode.INVALID_MESSAGE, "FBDP OPEN data_format is empty, expected a MIME type");
	}

	@Test
	void decodeCloseWithInvalidErrorDescriptionShouldNameTheFrame() {
		assertInvalidProtobuf(List.of(bytes(SIGNATURE, 0x29, 0, 0, 3), ERROR_DESCRIPTION, bytes(0x12, 9, "short")),
				"FBDP CLOSE ErrorDescription 2 frame is not a valid protobuf message: ");
		assertInvalidProtobuf(List.of(bytes(SIGNATURE, 0x29, 0, 0, 3), bytes(0xff)),
				"FBDP CLOSE ErrorDescription 1 frame is not a valid protobuf message: ");
	}

	private static void assertInvalid(List<byte[]> frames, FbdpErrorCode code, String message) {
		assertThatExceptionOfType(FbdpProtocolException.class).isThrownBy(() -> FbdpCodec.decode(frames))
			.withMessage(message)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(code));
	}

	private static void assertInvalidProtobuf(List<byte[]> frames, String messagePrefix) {
		assertThatExceptionOfType(FbdpProtocolException.class).isThrownBy(() -> FbdpCodec.decode(frames))
			.withMessageStartingWith(messagePrefix)
			.withCauseInstanceOf(InvalidProtocolBufferException.class)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(FbdpErrorCode.INVALID_MESSAGE));
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
