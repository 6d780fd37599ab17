package dev.butler.integration.dsl;

import dev.butler.pipe.PipeOptions;

/**
 * Factory for the FBDP channel adapter specs of the Spring Integration Java DSL, e.g.
 * {@code IntegrationFlow.from(FbdpPipes.inboundAdapter(input)).transform(…).handle(FbdpPipes.outboundAdapter(output))}.
 */
public final class FbdpPipes {

	private FbdpPipes() {
	}

	/**
	 * Create an inbound channel adapter: the consumer end of a data pipe, whose DATA become messages.
	 * @param options the pipe options
	 * @return the spec
	 */
	public static FbdpMessageProducerSpec inboundAdapter(PipeOptions options) {
		return new FbdpMessageProducerSpec(options);
	}

	/**
	 * Create an inbound channel adapter whose pipe options are bound from
	 * {@code butler.services.<serviceId>.*}.
	 * @param serviceId the id of the adapter's service
	 * @return the spec
	 */
	public static FbdpMessageProducerSpec inboundAdapter(String serviceId) {
		return new FbdpMessageProducerSpec(serviceId);
	}

	/**
	 * Create an outbound channel adapter: the producer end of a data pipe, whose DATA are the
	 * payloads of the messages it handles.
	 * @param options the pipe options
	 * @return the spec
	 */
	public static FbdpMessageHandlerSpec outboundAdapter(PipeOptions options) {
		return new FbdpMessageHandlerSpec(options);
	}

	/**
	 * Create an outbound channel adapter whose pipe options are bound from
	 * {@code butler.services.<serviceId>.*}.
	 * @param serviceId the id of the adapter's service
	 * @return the spec
	 */
	public static FbdpMessageHandlerSpec outboundAdapter(String serviceId) {
		return new FbdpMessageHandlerSpec(serviceId);
	}

}
