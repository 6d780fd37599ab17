package dev.butler.integration.dsl;

import java.time.Duration;

import org.springframework.integration.dsl.MessageHandlerSpec;

import dev.butler.integration.FbdpMessageHandler;
import dev.butler.pipe.PipeOptions;

/**
 * A {@link MessageHandlerSpec} for an {@link FbdpMessageHandler}.
 */
public class FbdpMessageHandlerSpec extends MessageHandlerSpec<FbdpMessageHandlerSpec, FbdpMessageHandler> {

	protected FbdpMessageHandlerSpec(PipeOptions options) {
		this.target = new FbdpMessageHandler(options);
	}

	protected FbdpMessageHandlerSpec(String serviceId) {
		this.target = new FbdpMessageHandler(serviceId);
	}

	/**
	 * Set the id of the service that runs the pipe.
	 * @param serviceId the service id
	 * @return the spec
	 * @see FbdpMessageHandler#setServiceId(String)
	 */
	public FbdpMessageHandlerSpec serviceId(String serviceId) {
		this.target.setServiceId(serviceId);
		return this;
	}

	/**
	 * Set how many messages may wait for the pipe.
	 * @param queueCapacity the capacity of the queue
	 * @return the spec
	 * @see FbdpMessageHandler#setQueueCapacity(int)
	 */
	public FbdpMessageHandlerSpec queueCapacity(int queueCapacity) {
		this.target.setQueueCapacity(queueCapacity);
		return this;
	}

	/**
	 * Set how long handling a message waits for room in a full queue.
	 * @param sendTimeout the timeout
	 * @return the spec
	 * @see FbdpMessageHandler#setSendTimeout(long)
	 */
	public FbdpMessageHandlerSpec sendTimeout(Duration sendTimeout) {
		this.target.setSendTimeout(sendTimeout.toMillis());
		return this;
	}

}
