package dev.butler.pipe;

import org.jspecify.annotations.Nullable;

import dev.butler.protocol.fbdp.FbdpErrorCode;

/**
 * Base class of a microservice that consumes data from one data pipe, like Saturnin's
 * {@code DataConsumerMicro}: implement {@link #acceptData(byte[])}.
 *
 * @param <C> the type of the service's own configuration, {@link Void} for none
 */
public abstract class DataConsumerService<C extends @Nullable Object> extends OnePipeService<C> {

	protected DataConsumerService() {
		super(PipeRole.CONSUMER);
	}

	/**
	 * Accept the payload of a DATA message.
	 * @param data the payload, empty if the message carried none
	 * @throws Exception to close the pipe with an error ({@link PipeException} chooses the code)
	 */
	protected abstract void acceptData(byte[] data) throws Exception;

	@Override
	final byte[] produce() {
		throw new PipeException(FbdpErrorCode.PROTOCOL_VIOLATION, "A consumer does not produce data");
	}

	@Override
	final void accept(byte[] payload) throws Exception {
		acceptData(payload);
	}

}
