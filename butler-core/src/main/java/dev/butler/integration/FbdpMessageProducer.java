package dev.butler.integration;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.integration.endpoint.MessageProducerSupport;
import org.springframework.integration.history.MessageHistory;
import org.springframework.integration.support.MessageBuilderFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.util.Assert;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ManagedMicroService;
import dev.butler.pipe.DataPipe;
import dev.butler.pipe.PipeException;
import dev.butler.pipe.PipeHandler;
import dev.butler.pipe.PipeMode;
import dev.butler.pipe.PipeOptions;
import dev.butler.pipe.PipeRole;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.MicroService;
import dev.butler.service.ScheduledAction;
import dev.butler.service.ServiceContext;

/**
 * Inbound channel adapter for a Firebird Butler Data Pipe: the consumer end of a pipe, bound or
 * connected as its {@link PipeOptions} say, that sends each DATA payload to the output channel as a
 * {@code Message<byte[]>} (a {@code String} with {@link #setTextPayload(boolean) textPayload}), with
 * the {@link FbdpHeaders#PIPE pipe} and {@link FbdpHeaders#DATA_FORMAT data format} headers.
 * <p>
 * The pipe runs on a Butler service of its own, started and stopped with this endpoint, and
 * messages are sent from that service's thread. The pipe takes a new batch only when every message
 * of the previous one was handed over: sending to a direct channel runs the flow on the service's
 * thread, and a slow flow slows the pipe's producer down. With a finite
 * {@link #setSendTimeout(long) send timeout}, a message the channel does not take in time (a full
 * queue channel, say) waits here, in order, and the pipe answers READY(0) until it was handed over.
 * <p>
 * When the pipe closes, by either side, an <em>end-of-stream</em> message follows the data: an
 * empty payload with the {@link FbdpHeaders#CLOSE_CODE close code} ({@code OK} at the end of the
 * data) and, for an error, its {@link FbdpHeaders#CLOSE_REASON reason}. An
 * {@link FbdpMessageHandler outbound adapter} closes its own pipe with that code, so the end of the
 * data, or an error, travels on through the flow. A {@link FbdpPipeClosedEvent} is published too.
 * <p>
 * An exception from the flow closes the pipe with an error, unless an error channel takes it: the
 * code of a {@link PipeException} among its causes, otherwise {@code INTERNAL_ERROR}.
 */
public class FbdpMessageProducer extends MessageProducerSupport {

	/** Name of the pipe's channel in the adapter's service. */
	public static final String PIPE_CHANNEL = "pipe";

	/** How soon a message the output channel did not take in time is offered again. */
	private static final Duration RETRY_DELAY = Duration.ofMillis(10);

	private final AdapterService service;

	private boolean textPayload;

	private boolean endOfStreamMessages = true;

	private boolean shouldTrack;

	private @Nullable MessageBuilderFactory messageBuilders;

	/**
	 * Create an adapter for the pipe with the given options. Its service id is the pipe name
	 * followed by {@code -inbound}, unless {@link #setServiceId(String) set}.
	 * @param options the pipe options
	 */
	public FbdpMessageProducer(PipeOptions options) {
		this.service = new AdapterService(FbdpAdapterServices.Kind.INBOUND, options);
	}

	/**
	 * Create an adapter whose pipe options are bound, at each start, from the properties of its
	 * service, {@code butler.services.<serviceId>.*} ({@code pipe}, {@code pipe-address},
	 * {@code pipe-mode}, …), as for the pipe of a {@link dev.butler.pipe.DataConsumerService}.
	 * @param serviceId the id of the adapter's service
	 */
	public FbdpMessageProducer(String serviceId) {
		this.service = new AdapterService(FbdpAdapterServices.Kind.INBOUND, serviceId);
	}

	/**
	 * Set the id of the service that runs the pipe: its name in logs and on its thread
	 * ({@code butler-<id>}), and the key of its runtime options under {@code butler.services}.
	 * @param serviceId the service id
	 */
	public void setServiceId(String serviceId) {
		this.service.setId(serviceId);
	}

	/**
	 * Return the id of the service that runs the pipe.
	 * @return the service id
	 */
	public String getServiceId() {
		return this.service.id();
	}

	/**
	 * Set whether to send payloads as {@code String}, decoded with the charset the data format names
	 * ({@code charset} parameter; UTF-8 if none). A bound pipe then refuses a client whose charset is
	 * not supported with {@code DATA_FORMAT_NOT_SUPPORTED}. Default {@code false}: {@code byte[]}.
	 * @param textPayload whether to send text
	 */
	public void setTextPayload(boolean textPayload) {
		this.textPayload = textPayload;
	}

	/**
	 * Set whether to send an end-of-stream message when the pipe closes. Default {@code true}.
	 * @param endOfStreamMessages whether to send end-of-stream messages
	 */
	public void setEndOfStreamMessages(boolean endOfStreamMessages) {
		this.endOfStreamMessages = endOfStreamMessages;
	}

	@Override
	public void setShouldTrack(boolean shouldTrack) {
		super.setShouldTrack(shouldTrack);
		this.shouldTrack = shouldTrack;
	}

	/**
	 * Return the Butler service that runs the pipe, e.g. for its state or the address a pipe bound
	 * to a wildcard port got ({@code endpoints().get("pipe")}).
	 * @return the service, {@code null} before the first start
	 */
	public @Nullable ButlerComponent getService() {
		return this.service.current();
	}

	@Override
	public String getComponentType() {
		return "fbdp:inbound-channel-adapter";
	}

	@Override
	protected void onInit() {
		super.onInit();
		this.service.init(getBeanFactory(), getApplicationContext(), getComponentName());
		this.messageBuilders = getMessageBuilderFactory();
	}

	@Override
	protected void doStart() {
		this.service.create(new PipeConsumer(this.service.stopTimeout())).start();
	}

	@Override
	protected void doStop() {
		ManagedMicroService current = this.service.current();
		if (current != null) {
			current.stop();
		}
	}

	/**
	 * Hand a message to the output channel: as {@link #sendMessage} does when the send timeout is
	 * infinite, otherwise waiting at most {@code timeout} ms.
	 * @return {@code false} if the channel did not take the message in time
	 */
	private boolean handOver(Message<?> message, long timeout) {
		if (timeout < 0) {
			sendMessage(message);
			return true;
		}
		Message<?> tracked = this.shouldTrack ? MessageHistory.write(message, this, messageBuilders()) : message;
		MessageChannel channel = getOutputChannel();
		Assert.state(channel != null, "The 'outputChannel' or 'outputChannelName' must be configured");
		try {
			return channel.send(tracked, timeout);
		}
		catch (RuntimeException ex) {
			if (sendErrorMessageIfNecessary(tracked, ex)) {
				return true;
			}
			throw ex;
		}
	}

	private MessageBuilderFactory messageBuilders() {
		MessageBuilderFactory builders = this.messageBuilders;
		Assert.state(builders != null, "FBDP inbound channel adapter is not initialized");
		return builders;
	}

	private void publish(DataPipe pipe) {
		this.service.publishClosed(this, pipe, this.logger);
	}

	/**
	 * The exception to close the pipe with after the flow failed: a {@link PipeException} among the
	 * causes keeps its code; anything else is logged and closes with {@code INTERNAL_ERROR} and the
	 * most specific cause as the reason.
	 */
	private PipeException pipeFailure(String pipe, RuntimeException ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof PipeException pipeException) {
				return pipeException;
			}
		}
		this.logger.warn(ex, () -> "The flow failed on a message of data pipe '" + pipe + "'");
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
		return new PipeException(FbdpErrorCode.INTERNAL_ERROR,
				cause.getClass().getSimpleName() + ": " + cause.getMessage());
	}

	/**
	 * The service behind the adapter: a consumer pipe whose data goes to the output channel. Runs on
	 * the service's loop thread only.
	 */
	private final class PipeConsumer implements MicroService<Void>, PipeHandler {

		private final Duration stopTimeout;

		/** Messages not handed over yet, in order. */
		private final Deque<Message<?>> waiting = new ArrayDeque<>();

		private ServiceContext context;

		private PipeOptions pipeOptions;

		private DataPipe pipe;

		private @Nullable ScheduledAction retry;

		private @Nullable Charset charset;

		PipeConsumer(Duration stopTimeout) {
			this.stopTimeout = stopTimeout;
		}

		@Override
		public List<Class<?>> optionTypes() {
			return FbdpMessageProducer.this.service.optionTypes();
		}

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.context = context;
			this.waiting.clear();
			this.retry = null;
			this.pipeOptions = FbdpMessageProducer.this.service.pipeOptions(context);
			if (FbdpMessageProducer.this.textPayload && this.pipeOptions.pipeMode() == PipeMode.CONNECT) {
				this.charset = DataFormats.charset(this.pipeOptions.pipeFormat());
			}
			this.pipe = new DataPipe(context, PIPE_CHANNEL, PipeRole.CONSUMER, this.pipeOptions, this);
		}

		@Override
		public void opened(DataPipe pipe, String dataFormat) {
			if (FbdpMessageProducer.this.textPayload) {
				this.charset = DataFormats.charset(dataFormat);
			}
		}

		@Override
		public boolean isReady(DataPipe pipe) {
			return this.waiting.isEmpty();
		}

		@Override
		public void accept(DataPipe pipe, byte[] payload) {
			Object body = FbdpMessageProducer.this.textPayload ? new String(payload, this.charset) : payload;
			this.waiting.add(messageBuilders().withPayload(body)
				.setHeader(FbdpHeaders.PIPE, this.pipeOptions.pipe())
				.setHeader(FbdpHeaders.DATA_FORMAT, pipe.dataFormat())
				.build());
			if (this.retry == null) {
				try {
					handOverWaiting();
				}
				catch (RuntimeException ex) {
					throw pipeFailure(this.pipeOptions.pipe(), ex);
				}
			}
		}

		@Override
		public void closed(DataPipe pipe) {
			publish(pipe);
			if (!FbdpMessageProducer.this.endOfStreamMessages) {
				return;
			}
			Object empty = FbdpMessageProducer.this.textPayload ? "" : new byte[0];
			this.waiting.add(messageBuilders().withPayload(empty)
				.setHeader(FbdpHeaders.PIPE, this.pipeOptions.pipe())
				.setHeader(FbdpHeaders.DATA_FORMAT, pipe.dataFormat())
				.setHeader(FbdpHeaders.CLOSE_CODE, pipe.closeCode())
				.setHeader(FbdpHeaders.CLOSE_REASON,
						pipe.closeDetails().isEmpty() ? null : String.join("; ", pipe.closeDetails()))
				.build());
			if (this.retry == null) {
				try {
					handOverWaiting();
				}
				catch (RuntimeException ex) {
					FbdpMessageProducer.this.logger.warn(ex,
							() -> "The flow failed on the end of data pipe '" + this.pipeOptions.pipe() + "'");
				}
			}
		}

		/**
		 * Hand waiting messages over in order until the channel does not take one in time, which is
		 * then offered again after {@link #RETRY_DELAY}. A message the flow fails on is dropped with
		 * those behind it, and the failure thrown.
		 */
		private void handOverWaiting() {
			long timeout = getMessagingTemplate().getSendTimeout();
			Message<?> next;
			while ((next = this.waiting.peek()) != null) {
				boolean sent;
				try {
					sent = handOver(next, timeout);
				}
				catch (RuntimeException ex) {
					this.waiting.clear();
					throw ex;
				}
				if (!sent) {
					this.retry = this.context.schedule("hand over", this::retry, RETRY_DELAY);
					return;
				}
				this.waiting.poll();
			}
		}

		private void retry() {
			this.retry = null;
			try {
				handOverWaiting();
			}
			catch (RuntimeException ex) {
				PipeException failure = pipeFailure(this.pipeOptions.pipe(), ex);
				this.pipe.close(failure.getCode(), failure.getMessage());
			}
		}

		/**
		 * The service stops: messages still waiting, e.g. the end of the stream, are handed over
		 * within the stop timeout; the rest is dropped.
		 */
		@Override
		public void releaseResources() {
			if (this.retry != null) {
				this.retry.cancel();
				this.retry = null;
			}
			long deadline = System.nanoTime() + this.stopTimeout.toNanos();
			try {
				while (!this.waiting.isEmpty()) {
					long left = (deadline - System.nanoTime()) / 1_000_000;
					if (left <= 0 || !handOver(this.waiting.peek(), left)) {
						break;
					}
					this.waiting.poll();
				}
			}
			catch (RuntimeException ex) {
				FbdpMessageProducer.this.logger.warn(ex,
						() -> "The flow failed on a message of data pipe '" + this.pipeOptions.pipe() + "'");
			}
			if (!this.waiting.isEmpty()) {
				int dropped = this.waiting.size();
				this.waiting.clear();
				FbdpMessageProducer.this.logger.warn(() -> "Dropped " + dropped + " messages of data pipe '"
						+ this.pipeOptions.pipe() + "' that the output channel did not take before the service stopped");
			}
		}

	}

}
