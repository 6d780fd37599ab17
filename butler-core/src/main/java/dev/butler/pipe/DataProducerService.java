package dev.butler.pipe;

import org.jspecify.annotations.Nullable;

import dev.butler.protocol.fbdp.FbdpErrorCode;

/**
 * Base class of a microservice that produces data into one data pipe, like Saturnin's
 * {@code DataProviderMicro}: implement {@link #produceData()}.
 *
 * @param <C> the type of the service's own configuration, {@link Void} for none
 */
public abstract class DataProducerService<C extends @Nullable Object> extends OnePipeService<C> {

	protected DataProducerService() {
		super(PipeRole.PRODUCER);
	}

	/**
	 * Produce the payload of the next DATA message.
	 * @return the payload; {@code null} at the end of the data, which closes the pipe with OK;
	 * {@link PipeHandler#NO_DATA_YET} to pause until {@link DataPipe#resume()}
	 * @throws Exception to close the pipe with an error ({@link PipeException} chooses the code)
	 */
	protected abstract byte @Nullable [] produceData() throws Exception;

	@Override
	final byte @Nullable [] produce() throws Exception {
		return produceData();
	}

	@Override
	final void accept(byte[] payload) {
		throw new PipeException(FbdpErrorCode.PROTOCOL_VIOLATION, "A producer does not accept data");
	}

}
