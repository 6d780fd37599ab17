package dev.butler.pipe;

import org.jspecify.annotations.Nullable;

/**
 * What a service does with its end of a data pipe. Called on the service's loop thread.
 */
public interface PipeHandler {

	/**
	 * What {@link #produce} returns when it has no data at the moment but the data has not ended:
	 * the batch pauses until {@link DataPipe#resume()} is called. Compared by identity, so an empty
	 * payload of one's own is still sent as DATA.
	 */
	byte[] NO_DATA_YET = new byte[0];

	/**
	 * A client opened the pipe (server side only). Throw {@link PipeException} with
	 * {@code DATA_FORMAT_NOT_SUPPORTED} to refuse its data format.
	 * @param pipe the pipe
	 * @param dataFormat the data format the client named
	 * @throws Exception to refuse the client
	 */
	default void opened(DataPipe pipe, String dataFormat) throws Exception {
	}

	/**
	 * Whether this side can give or take a batch now. Answering {@code false} sends READY(0), and the
	 * server asks again after {@code ready_schedule_interval}.
	 * @param pipe the pipe
	 * @return {@code true} if ready
	 */
	default boolean isReady(DataPipe pipe) {
		return true;
	}

	/**
	 * Produce the next DATA payload (producers).
	 * @param pipe the pipe
	 * @return the payload; {@code null} at the end of the data, which closes the pipe with OK; or
	 * {@link #NO_DATA_YET} to pause until {@link DataPipe#resume()}
	 * @throws Exception to close the pipe with an error
	 */
	default byte @Nullable [] produce(DataPipe pipe) throws Exception {
		throw new PipeException(dev.butler.protocol.fbdp.FbdpErrorCode.NOT_IMPLEMENTED, "This side does not produce data");
	}

	/**
	 * Accept a DATA payload (consumers).
	 * @param pipe the pipe
	 * @param payload the payload, empty if the DATA carried none
	 * @throws DataRejectedException to reject this message and go on, unless the peer's rejections
	 * pass {@code max-rejects}
	 * @throws Exception to close the pipe with an error
	 */
	default void accept(DataPipe pipe, byte[] payload) throws Exception {
		throw new PipeException(dev.butler.protocol.fbdp.FbdpErrorCode.NOT_IMPLEMENTED, "This side does not accept data");
	}

	/**
	 * The pipe closed, by either side.
	 * @param pipe the pipe, whose {@link DataPipe#closeCode()} and {@link DataPipe#closeDetails()} say
	 * why
	 */
	default void closed(DataPipe pipe) {
	}

}
