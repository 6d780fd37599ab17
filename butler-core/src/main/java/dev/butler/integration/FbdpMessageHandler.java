package dev.butler.integration;

import java.nio.charset.Charset;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import org.springframework.integration.MessageTimeoutException;
import org.springframework.integration.handler.AbstractMessageHandler;
import org.springframework.integration.support.management.ManageableLifecycle;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessageHandlingException;
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
import dev.butler.service.Channel;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * Outbound channel adapter for a Firebird Butler Data Pipe: the producer end of a pipe, bound or
 * connected as its {@link PipeOptions} say, that sends the payload of each message it handles as
 * DATA. Payloads must be {@code byte[]} or {@code String}, which is encoded with the charset the
 * data format names ({@code charset} parameter; UTF-8 if none).
 * <p>
 * The pipe runs on a Butler service of its own, started and stopped with this handler's endpoint.
 * Handled messages wait in a bounded queue until the pipe's consumer takes them, so a slow consumer
 * makes {@link #handleMessage} block, for at most the {@link #setSendTimeout(long) send timeout}
 * (by default as long as the pipe is open), which slows the sending flow down.
 * <p>
 * The stream ends with CLOSE(OK) after {@link #complete()}, or after an end-of-stream message (one
 * with the {@link FbdpHeaders#CLOSE_CODE} header, as the {@link FbdpMessageProducer inbound adapter}
 * sends when its pipe closes); an end-of-stream message with an error code closes the pipe with that
 * code and its {@link FbdpHeaders#CLOSE_REASON reason}. Either way its payload is not sent. When the
 * adapter stops, the pipe of an unfinished stream is closed with CLOSE(ERROR) and the messages still
 * queued are dropped. Once the pipe has closed for good (it connects, or stops on close), handling a
 * message fails with a {@link MessageDeliveryException}; a {@link FbdpPipeClosedEvent} says when.
 */
public class FbdpMessageHandler extends AbstractMessageHandler implements ManageableLifecycle {

	/** Name of the pipe's channel in the adapter's service. */
	public static final String PIPE_CHANNEL = "pipe";

	/** Name of the channel that wakes the adapter's service when messages arrive. */
	static final String WAKE_CHANNEL = "#wake";

	/** How often a sender waiting for room checks that the pipe is still open. */
	private static final long CHECK_MILLIS = 100;

	private static final byte[] WAKE = new byte[0];

	private final AdapterService service;

	private final Lock lifecycleLock = new ReentrantLock();

	private int queueCapacity;

	private long sendTimeout = -1;

	private volatile @Nullable PipeProducer run;

	/**
	 * Create an adapter for the pipe with the given options. Its service id is the pipe name
	 * followed by {@code -outbound}, unless {@link #setServiceId(String) set}.
	 * @param options the pipe options
	 */
	public FbdpMessageHandler(PipeOptions options) {
		this.service = new AdapterService(FbdpAdapterServices.Kind.OUTBOUND, options);
	}

	/**
	 * Create an adapter whose pipe options are bound, at each start, from the properties of its
	 * service, {@code butler.services.<serviceId>.*} ({@code pipe}, {@code pipe-address},
	 * {@code pipe-mode}, …), as for the pipe of a {@link dev.butler.pipe.DataProducerService}.
	 * @param serviceId the id of the adapter's service
	 */
	public FbdpMessageHandler(String serviceId) {
		this.service = new AdapterService(FbdpAdapterServices.Kind.OUTBOUND, serviceId);
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
	 * Set how many messages may wait for the pipe. Default: two batches ({@code 2 * batch_size}).
	 * @param queueCapacity the capacity of the queue
	 */
	public void setQueueCapacity(int queueCapacity) {
		Assert.isTrue(queueCapacity > 0, "'queueCapacity' must be positive");
		this.queueCapacity = queueCapacity;
	}

	/**
	 * Set how long {@link #handleMessage} waits for room in a full queue before it fails with a
	 * {@link MessageTimeoutException}. Default {@code -1}: as long as the pipe is open.
	 * @param sendTimeout the timeout in milliseconds, negative for no limit
	 */
	public void setSendTimeout(long sendTimeout) {
		this.sendTimeout = sendTimeout;
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
		return "fbdp:outbound-channel-adapter";
	}

	@Override
	protected void onInit() {
		super.onInit();
		this.service.init(getBeanFactory(), getApplicationContext(), getComponentName());
	}

	@Override
	public void start() {
		this.lifecycleLock.lock();
		try {
			if (this.run != null) {
				return;
			}
			PipeProducer producer = new PipeProducer();
			ManagedMicroService newService = this.service.create(producer);
			producer.service = newService;
			newService.start();
			producer.connectWakeUp();
			this.run = producer;
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	@Override
	public void stop() {
		this.lifecycleLock.lock();
		try {
			PipeProducer current = this.run;
			if (current == null) {
				return;
			}
			this.run = null;
			current.service.stop();
			current.closeWakeUp();
			int dropped = current.queue.size();
			current.queue.clear();
			if (dropped > 0) {
				this.logger.warn(() -> "Dropped " + dropped + " messages queued for data pipe '" + current.pipeName()
						+ "' when the adapter stopped");
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	@Override
	public boolean isRunning() {
		return this.run != null;
	}

	/**
	 * End the stream: once the messages handled so far were sent, the pipe closes with CLOSE(OK).
	 * Waits for room in the queue as {@link #handleMessage} does.
	 * @throws MessageDeliveryException if the adapter is not running or its pipe has closed
	 */
	public void complete() {
		enqueue(new End(FbdpErrorCode.OK, null), null);
	}

	@Override
	protected void handleMessageInternal(Message<?> message) {
		FbdpErrorCode code;
		try {
			code = FbdpHeaders.closeCode(message);
		}
		catch (IllegalArgumentException ex) {
			String description = ex.getMessage();
			throw new MessageHandlingException(message, (description != null) ? description : ex.toString(), ex);
		}
		Object item;
		if (code != null) {
			Object reason = message.getHeaders().get(FbdpHeaders.CLOSE_REASON);
			item = new End(code, (reason != null) ? reason.toString() : null);
		}
		else if (message.getPayload() instanceof byte[] || message.getPayload() instanceof String) {
			item = message;
		}
		else {
			throw new MessageHandlingException(message, "FBDP outbound channel adapter '" + getComponentName()
					+ "' sends byte[] or String payloads, got " + message.getPayload().getClass().getName());
		}
		enqueue(item, message);
	}

	private void enqueue(Object item, @Nullable Message<?> message) {
		PipeProducer current = this.run;
		if (current == null) {
			throw deliveryFailure(message, "FBDP outbound channel adapter '" + getComponentName() + "' is not running");
		}
		current.put(item, message);
	}

	private static MessageDeliveryException deliveryFailure(@Nullable Message<?> message, String description) {
		return (message != null) ? new MessageDeliveryException(message, description)
				: new MessageDeliveryException(description);
	}

	private void publish(DataPipe pipe) {
		this.service.publishClosed(this, pipe, this.logger);
	}

	/**
	 * The end of the stream, queued behind the data.
	 */
	private record End(FbdpErrorCode code, @Nullable String reason) {

	}

	/**
	 * One run of the adapter: the service behind it, a producer pipe fed from the queue, and the
	 * wake-up that resumes the pipe when it waits for messages. The queue, the flags and the wake-up
	 * socket are shared with sending threads; the pipe is used on the service's loop thread only.
	 */
	private final class PipeProducer implements MicroService<Void>, PipeHandler {

		private final AtomicBoolean wakeUpPending = new AtomicBoolean();

		private final Lock wakeUpLock = new ReentrantLock();

		/** Set by {@link FbdpMessageHandler#start()} as soon as the service is made, before it starts. */
		@SuppressWarnings("NullAway.Init")
		private volatile ManagedMicroService service;

		private volatile BlockingQueue<Object> queue = new LinkedBlockingQueue<>(1);

		/** The options of the pipe, {@code null} until the service initialized. */
		private volatile @Nullable PipeOptions pipeOptions;

		/** Where senders wake the loop, {@code null} until the service initialized. */
		private volatile @Nullable String wakeUpAddress;

		/** Set by the loop when the pipe paused because the queue was empty. */
		private volatile boolean idle;

		/** Why the pipe takes no more data, {@code null} while it does. */
		private volatile @Nullable String closedReason;

		private @Nullable ZmqSocket wakeUpSocket;

		private DataPipe pipe;

		private @Nullable String charsetFormat;

		private @Nullable Charset charset;

		@Override
		public List<Class<?>> optionTypes() {
			return FbdpMessageHandler.this.service.optionTypes();
		}

		@Override
		public void initialize(Void config, ServiceContext context) {
			PipeOptions bound = FbdpMessageHandler.this.service.pipeOptions(context);
			int capacity = (FbdpMessageHandler.this.queueCapacity > 0) ? FbdpMessageHandler.this.queueCapacity
					: 2 * bound.batchSize();
			this.queue = new LinkedBlockingQueue<>(capacity);
			this.pipeOptions = bound;
			this.pipe = new DataPipe(context, PIPE_CHANNEL, PipeRole.PRODUCER, bound, this);
			Channel wakeUp = context.createChannel(WAKE_CHANNEL, ZmqSocketType.PULL, (channel, message) -> wokenUp());
			this.wakeUpAddress = wakeUp.bind("inproc://butler-fbdp-wake-up/" + UUID.randomUUID());
		}

		@Override
		public byte @Nullable [] produce(DataPipe pipe) throws Exception {
			Object item = this.queue.poll();
			if (item == null) {
				this.idle = true;
				item = this.queue.poll();
				if (item == null) {
					return NO_DATA_YET;
				}
			}
			this.idle = false;
			if (item instanceof End end) {
				if (end.code() == FbdpErrorCode.OK) {
					return null;
				}
				throw new PipeException(end.code(),
						(end.reason() != null) ? end.reason() : "The stream ended with " + end.code());
			}
			Object payload = ((Message<?>) item).getPayload();
			if (payload instanceof String text) {
				return text.getBytes(charset(pipe.dataFormat()));
			}
			return (byte[]) payload;
		}

		@Override
		public void closed(DataPipe pipe) {
			PipeOptions options = pipe.options();
			if (options.stopOnClose() || options.pipeMode() == PipeMode.CONNECT) {
				this.closedReason = "Data pipe '" + options.pipe() + "' is closed (" + pipe.closeCode()
						+ (pipe.closeDetails().isEmpty() ? "" : ": " + String.join("; ", pipe.closeDetails())) + ")";
			}
			publish(pipe);
		}

		private Charset charset(@Nullable String dataFormat) {
			if (this.charset == null || !Objects.equals(dataFormat, this.charsetFormat)) {
				this.charset = DataFormats.charset(dataFormat);
				this.charsetFormat = dataFormat;
			}
			return this.charset;
		}

		/**
		 * On the loop: a sender queued a message while the pipe waited for one. Only a paused pipe
		 * needs waking, and {@link #produce} marks the next pause.
		 */
		private void wokenUp() {
			this.wakeUpPending.set(false);
			this.idle = false;
			this.pipe.resume();
		}

		private String pipeName() {
			PipeOptions bound = this.pipeOptions;
			return (bound != null) ? bound.pipe() : FbdpMessageHandler.this.service.id();
		}

		/**
		 * Queue an item, waiting for room while the pipe is open; wake the loop if it waits.
		 */
		void put(Object item, @Nullable Message<?> message) {
			long deadline = (FbdpMessageHandler.this.sendTimeout < 0) ? Long.MAX_VALUE
					: System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FbdpMessageHandler.this.sendTimeout);
			try {
				checkOpen(message);
				while (!this.queue.offer(item)) {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						String description = "Data pipe '" + pipeName() + "' took no message within "
								+ FbdpMessageHandler.this.sendTimeout + " ms: its queue of " + this.queue.size()
								+ " is full";
						throw (message != null) ? new MessageTimeoutException(message, description)
								: new MessageTimeoutException(description);
					}
					if (this.queue.offer(item, Math.min(left, TimeUnit.MILLISECONDS.toNanos(CHECK_MILLIS)),
							TimeUnit.NANOSECONDS)) {
						break;
					}
					checkOpen(message);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw deliveryFailure(message,
						"Interrupted while waiting for room in the queue of data pipe '" + pipeName() + "'");
			}
			if (this.idle && this.wakeUpPending.compareAndSet(false, true)) {
				wakeUp();
			}
		}

		private void checkOpen(@Nullable Message<?> message) {
			String reason = this.closedReason;
			if (reason == null && this.service.state().isTerminal()) {
				reason = "The service of data pipe '" + pipeName() + "' is " + this.service.state();
			}
			if (reason != null) {
				throw deliveryFailure(message, reason);
			}
		}

		void connectWakeUp() {
			this.wakeUpLock.lock();
			try {
				String address = this.wakeUpAddress;
				if (address != null) {
					ZmqSocket socket = FbdpMessageHandler.this.service.zmq().socket(ZmqSocketType.PUSH);
					this.wakeUpSocket = socket;
					socket.setLinger(0);
					socket.connect(address);
				}
			}
			finally {
				this.wakeUpLock.unlock();
			}
		}

		private void wakeUp() {
			this.wakeUpLock.lock();
			try {
				if (this.wakeUpSocket != null) {
					this.wakeUpSocket.send(WAKE, ZmqSocket.DONTWAIT);
				}
			}
			finally {
				this.wakeUpLock.unlock();
			}
		}

		void closeWakeUp() {
			this.wakeUpLock.lock();
			try {
				if (this.wakeUpSocket != null) {
					this.wakeUpSocket.close();
					this.wakeUpSocket = null;
				}
			}
			finally {
				this.wakeUpLock.unlock();
			}
		}

	}

}
