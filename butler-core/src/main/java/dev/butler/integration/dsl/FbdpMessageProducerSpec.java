package dev.butler.integration.dsl;

import org.springframework.integration.dsl.MessageProducerSpec;

import dev.butler.integration.FbdpMessageProducer;
import dev.butler.pipe.PipeOptions;

/**
 * A {@link MessageProducerSpec} for an {@link FbdpMessageProducer}.
 */
public class FbdpMessageProducerSpec extends MessageProducerSpec<FbdpMessageProducerSpec, FbdpMessageProducer> {

	protected FbdpMessageProducerSpec(PipeOptions options) {
		super(new FbdpMessageProducer(options));
	}

	protected FbdpMessageProducerSpec(String serviceId) {
		super(new FbdpMessageProducer(serviceId));
	}

	/**
	 * Set the id of the service that runs the pipe.
	 * @param serviceId the service id
	 * @return the spec
	 * @see FbdpMessageProducer#setServiceId(String)
	 */
	public FbdpMessageProducerSpec serviceId(String serviceId) {
		this.target.setServiceId(serviceId);
		return this;
	}

	/**
	 * Send payloads as {@code String}, decoded with the charset of the data format.
	 * @param textPayload whether to send text
	 * @return the spec
	 * @see FbdpMessageProducer#setTextPayload(boolean)
	 */
	public FbdpMessageProducerSpec textPayload(boolean textPayload) {
		this.target.setTextPayload(textPayload);
		return this;
	}

	/**
	 * Send an end-of-stream message when the pipe closes (the default).
	 * @param endOfStreamMessages whether to send end-of-stream messages
	 * @return the spec
	 * @see FbdpMessageProducer#setEndOfStreamMessages(boolean)
	 */
	public FbdpMessageProducerSpec endOfStreamMessages(boolean endOfStreamMessages) {
		this.target.setEndOfStreamMessages(endOfStreamMessages);
		return this;
	}

}
