package dev.butler.protocol.fbdp;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import com.google.protobuf.Struct;
import org.jspecify.annotations.Nullable;

import dev.butler.protocol.proto.ErrorDescription;

/**
 * A message of the Firebird Butler Data Pipe Protocol (FBDP), spoken between the two ends of a
 * data pipe. {@link FbdpCodec} turns messages into frames and back.
 * <p>
 * Every message has the header's {@link #flags() flags} and {@link #typeData() type data}; what
 * the type data means depends on the type: the batch size of READY, the error code of CLOSE,
 * free for NOOP and DATA, unused (zero) for OPEN.
 */
public sealed interface FbdpMessage {

	/**
	 * Return the type of this message.
	 * @return the message type
	 */
	FbdpMessageType type();

	/**
	 * Return the header flags, a combination of {@link FbdpFlags#ACK_REQ} and
	 * {@link FbdpFlags#ACK_REPLY}.
	 * @return the flags
	 */
	int flags();

	/**
	 * Return the header type data, an unsigned 16-bit integer.
	 * @return the type data
	 */
	int typeData();

	/**
	 * Return whether the sender asks for an acknowledgement, see {@link #ackReply(FbdpMessage)}.
	 * @return whether the message has {@link FbdpFlags#ACK_REQ}
	 */
	default boolean hasAckRequest() {
		return FbdpFlags.hasAckRequest(flags());
	}

	/**
	 * Return whether the message acknowledges a message sent with {@link FbdpFlags#ACK_REQ}.
	 * @return whether the message has {@link FbdpFlags#ACK_REPLY}
	 */
	default boolean hasAckReply() {
		return FbdpFlags.hasAckReply(flags());
	}

	/**
	 * Create an OPEN message without parameters.
	 * @param dataPipe the name of the data pipe
	 * @param pipeSocket the pipe socket to attach to
	 * @param dataFormat the MIME type of the user data, e.g. {@code text/plain;charset=utf-8}
	 * @return the message
	 */
	static Open open(String dataPipe, PipeSocket pipeSocket, String dataFormat) {
		return new Open(dataPipe, pipeSocket, dataFormat, null);
	}

	/**
	 * Create a READY message.
	 * @param batchSize the number of DATA messages the sender can take now, 0 if not ready
	 * @return the message
	 */
	static Ready ready(int batchSize) {
		return new Ready(batchSize);
	}

	/**
	 * Create a NOOP message.
	 * @return the message
	 */
	static Noop noop() {
		return new Noop();
	}

	/**
	 * Create a DATA message. The payload is not copied.
	 * @param payload the user data, or {@code null} for a DATA message without a payload frame
	 * @return the message
	 */
	static Data data(byte @Nullable [] payload) {
		return new Data(payload);
	}

	/**
	 * Create a CLOSE message without error descriptions, e.g. {@code close(FbdpErrorCode.OK)}
	 * at the end of data.
	 * @param code the error code
	 * @return the message
	 */
	static Close close(FbdpErrorCode code) {
		Objects.requireNonNull(code, "'code' must not be null");
		return new Close(code.code(), List.of());
	}

	/**
	 * Create a CLOSE message with one error description carrying the same code.
	 * @param code the error code
	 * @param description what went wrong
	 * @return the message
	 */
	static Close close(FbdpErrorCode code, String description) {
		Objects.requireNonNull(code, "'code' must not be null");
		Objects.requireNonNull(description, "'description' must not be null");
		ErrorDescription error = ErrorDescription.newBuilder()
			.setCode(code.code())
			.setDescription(description)
			.build();
		return new Close(code.code(), List.of(error));
	}

	/**
	 * Create the acknowledgement of a message: the same header with {@link FbdpFlags#ACK_REQ}
	 * cleared and {@link FbdpFlags#ACK_REPLY} set, and no frames after the header. OPEN is not
	 * acknowledged: it is answered with READY or CLOSE.
	 * @param request the message to acknowledge
	 * @return the acknowledgement
	 * @throws IllegalArgumentException if the message is an OPEN
	 */
	static FbdpMessage ackReply(FbdpMessage request) {
		Objects.requireNonNull(request, "'request' must not be null");
		int flags = (request.flags() & ~FbdpFlags.ACK_REQ) | FbdpFlags.ACK_REPLY;
		if (request instanceof Ready ready) {
			return new Ready(ready.batchSize(), flags);
		}
		if (request instanceof Noop noop) {
			return new Noop(noop.typeData(), flags);
		}
		if (request instanceof Data data) {
			return new Data(null, data.typeData(), flags);
		}
		if (request instanceof Close close) {
			return new Close(close.errorCode(), List.of(), flags);
		}
		throw new IllegalArgumentException("FBDP " + request.type() + " is not acknowledged with ACK_REPLY");
	}

	private static int checkFlags(int flags) {
		if (!FbdpFlags.isValid(flags)) {
			throw new IllegalArgumentException("FBDP flags must be a combination of ACK_REQ (1) and ACK_REPLY (2), got "
					+ flags);
		}
		return flags;
	}

	private static int checkUnsignedShort(String name, int value) {
		if (value < 0 || value > 0xFFFF) {
			throw new IllegalArgumentException("FBDP " + name + " must be 0 to 65535, got " + value);
		}
		return value;
	}

	/**
	 * OPEN: a client attaches to a socket of a data pipe. The server answers with READY, or with
	 * CLOSE if it cannot serve the pipe, socket or data format.
	 *
	 * @param dataPipe the name of the data pipe, not empty
	 * @param pipeSocket the pipe socket to attach to: {@link PipeSocket#INPUT} for a producer,
	 * {@link PipeSocket#OUTPUT} for a consumer
	 * @param dataFormat the MIME type of the user data, not empty
	 * @param parameters data pipe parameters; {@code null} is taken as none
	 * @param flags the header flags
	 */
	record Open(String dataPipe, PipeSocket pipeSocket, String dataFormat, Struct parameters,
			int flags) implements FbdpMessage {

		public Open {
			Objects.requireNonNull(dataPipe, "'dataPipe' must not be null");
			Objects.requireNonNull(pipeSocket, "'pipeSocket' must not be null");
			Objects.requireNonNull(dataFormat, "'dataFormat' must not be null");
			if (dataPipe.isEmpty()) {
				throw new IllegalArgumentException("FBDP OPEN data pipe must not be empty");
			}
			if (dataFormat.isEmpty()) {
				throw new IllegalArgumentException("FBDP OPEN data format must not be empty");
			}
			parameters = (parameters != null) ? parameters : Struct.getDefaultInstance();
			checkFlags(flags);
		}

		/**
		 * Create an OPEN message without flags.
		 * @param dataPipe the name of the data pipe, not empty
		 * @param pipeSocket the pipe socket to attach to
		 * @param dataFormat the MIME type of the user data, not empty
		 * @param parameters data pipe parameters; {@code null} is taken as none
		 */
		public Open(String dataPipe, PipeSocket pipeSocket, String dataFormat, @Nullable Struct parameters) {
			this(dataPipe, pipeSocket, dataFormat, (parameters != null) ? parameters : Struct.getDefaultInstance(),
					FbdpFlags.NONE);
		}

		@Override
		public FbdpMessageType type() {
			return FbdpMessageType.OPEN;
		}

		/**
		 * Return zero: OPEN does not use the type data.
		 * @return zero
		 */
		@Override
		public int typeData() {
			return 0;
		}

	}

	/**
	 * READY: flow control. The server sends its batch size, the client answers with the lower of
	 * that and its own, or 0 if it is not ready; then that many DATA messages flow.
	 *
	 * @param batchSize the number of DATA messages the sender can take now, 0 to 65535
	 * @param flags the header flags
	 */
	record Ready(int batchSize, int flags) implements FbdpMessage {

		public Ready {
			checkUnsignedShort("READY batch size", batchSize);
			checkFlags(flags);
		}

		/**
		 * Create a READY message without flags.
		 * @param batchSize the number of DATA messages the sender can take now, 0 to 65535
		 */
		public Ready(int batchSize) {
			this(batchSize, FbdpFlags.NONE);
		}

		@Override
		public FbdpMessageType type() {
			return FbdpMessageType.READY;
		}

		/**
		 * Return the batch size, the type data of READY.
		 * @return the batch size
		 */
		@Override
		public int typeData() {
			return this.batchSize;
		}

	}

	/**
	 * NOOP: no operation, for keep-alive and ping (with {@link FbdpFlags#ACK_REQ}).
	 *
	 * @param typeData free type data, echoed in the acknowledgement
	 * @param flags the header flags
	 */
	record Noop(int typeData, int flags) implements FbdpMessage {

		public Noop {
			checkUnsignedShort("NOOP type data", typeData);
			checkFlags(flags);
		}

		/**
		 * Create a NOOP message with no type data and no flags.
		 */
		public Noop() {
			this(0, FbdpFlags.NONE);
		}

		@Override
		public FbdpMessageType type() {
			return FbdpMessageType.NOOP;
		}

	}

	/**
	 * DATA: user data, sent from producer to consumer. The payload array is neither copied nor
	 * compared by identity: {@link #equals(Object)} compares its content.
	 *
	 * @param payload the user data, or {@code null} for no payload frame (an empty array is an
	 * empty payload frame)
	 * @param typeData free type data, echoed in the acknowledgement
	 * @param flags the header flags
	 */
	record Data(byte @Nullable [] payload, int typeData, int flags) implements FbdpMessage {

		public Data {
			checkUnsignedShort("DATA type data", typeData);
			checkFlags(flags);
		}

		/**
		 * Create a DATA message with no type data and no flags.
		 * @param payload the user data, or {@code null} for no payload frame
		 */
		public Data(byte @Nullable [] payload) {
			this(payload, 0, FbdpFlags.NONE);
		}

		@Override
		public FbdpMessageType type() {
			return FbdpMessageType.DATA;
		}

		@Override
		public boolean equals(@Nullable Object obj) {
			if (this == obj) {
				return true;
			}
			return (obj instanceof Data other) && this.typeData == other.typeData && this.flags == other.flags
					&& Arrays.equals(this.payload, other.payload);
		}

		@Override
		public int hashCode() {
			return 31 * (31 * Arrays.hashCode(this.payload) + this.typeData) + this.flags;
		}

		@Override
		public String toString() {
			String payload = (this.payload != null) ? this.payload.length + " bytes" : "none";
			return "Data[payload=" + payload + ", typeData=" + this.typeData + ", flags=" + this.flags + "]";
		}

	}

	/**
	 * CLOSE: the sender closes the pipe. Code {@link FbdpErrorCode#OK} ends the data normally;
	 * any other code reports an error, usually with one error description.
	 *
	 * @param errorCode the error code as sent, 0 to 65535; it may be a code FBDP does not define
	 * @param errors the error descriptions, one frame each
	 * @param flags the header flags
	 */
	record Close(int errorCode, List<ErrorDescription> errors, int flags) implements FbdpMessage {

		public Close {
			checkUnsignedShort("CLOSE error code", errorCode);
			Objects.requireNonNull(errors, "'errors' must not be null");
			errors = List.copyOf(errors);
			checkFlags(flags);
		}

		/**
		 * Create a CLOSE message without flags.
		 * @param errorCode the error code, 0 to 65535
		 * @param errors the error descriptions
		 */
		public Close(int errorCode, List<ErrorDescription> errors) {
			this(errorCode, errors, FbdpFlags.NONE);
		}

		/**
		 * Return the error code. A code FBDP does not define is returned as
		 * {@link FbdpErrorCode#ERROR}; {@link #errorCode()} keeps the code as sent.
		 * @return the error code
		 */
		public FbdpErrorCode code() {
			return FbdpErrorCode.fromCode(this.errorCode).orElse(FbdpErrorCode.ERROR);
		}

		@Override
		public FbdpMessageType type() {
			return FbdpMessageType.CLOSE;
		}

		/**
		 * Return the error code, the type data of CLOSE.
		 * @return the error code as sent
		 */
		@Override
		public int typeData() {
			return this.errorCode;
		}

	}

}
