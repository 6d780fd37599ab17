package dev.butler.standard.queue;

import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.butler.pipe.DataPipe;
import dev.butler.pipe.PipeException;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.queue.DirectoryQueue;
import dev.butler.queue.OutputLimit;
import dev.butler.queue.QueueException;
import dev.butler.queue.QueueSnapshot;
import dev.butler.queue.QueueStatistics;
import dev.butler.service.Durations;
import dev.butler.service.ScheduledAction;
import dev.butler.service.ServiceContext;

/**
 * The queue a {@link QueueWriterService} writes into: enqueues payloads, one by one or in groups,
 * and holds the pipe back while the queue is full.
 */
final class QueueOutput extends QueueBridge {

	/** How long a group waits for the rest of its batch before it is written anyway. */
	static final Duration GROUP_WAIT = Duration.ofSeconds(1);

	private static final Log logger = LogFactory.getLog(QueueOutput.class);

	private final QueueWriterService.Config config;

	private final Supplier<DataPipe> pipe;

	private final List<byte[]> group = new ArrayList<>();

	private @Nullable OutputLimit limit;

	private @Nullable ScheduledAction recheck;

	private @Nullable ScheduledAction groupTimeout;

	/** When the pipe was last held back; loop thread only. */
	private @Nullable Instant pausedAt;

	QueueOutput(ServiceContext context, QueueWriterService.Config config,
			@Nullable Set<PosixFilePermission> permissions, QueueStatistics statistics, Supplier<DataPipe> pipe) {
		super(QueueWriterService.QUEUE_OUT, "queue-out-dir", config.queueOutDir(), context, permissions, statistics);
		this.config = config;
		this.pipe = pipe;
	}

	@Override
	protected void opened(DirectoryQueue queue) {
		this.limit = new OutputLimit(queue, this.config.queueOutLimit());
	}

	/**
	 * Take a payload: enqueue it durably, or add it to the group of the current batch.
	 * @param data the payload
	 * @throws PipeException if it cannot be written
	 */
	void accept(byte[] data) {
		if (!this.config.groupCommit()) {
			write(List.of(data));
			return;
		}
		this.group.add(data);
		if (this.groupTimeout == null) {
			this.groupTimeout = this.context.schedule(QueueWriterService.QUEUE_OUT + "-group", this::groupTimedOut,
					GROUP_WAIT);
		}
	}

	/**
	 * Write the group of the batch just taken, then tell whether the queue has room for the next
	 * batch. When it is full, the answer stays {@code false} until a count after
	 * {@code queue_out_wait} finds room.
	 * @return {@code true} if the next batch may come
	 * @throws PipeException if the group cannot be written or the queue cannot be counted
	 */
	boolean isReady() {
		flush();
		if (state() == QueueSnapshot.State.PAUSED) {
			return false;
		}
		boolean room;
		try {
			room = limit().hasRoom();
		}
		catch (QueueException ex) {
			throw failure(ex);
		}
		if (!room) {
			logger.info("Service '" + this.context.serviceId() + "' holds its pipe back: queue '" + queue()
					+ "' holds " + limit().limit() + " messages or more; counting again every "
					+ Durations.human(this.config.queueOutWait()));
			this.pausedAt = this.context.clock().instant();
			state(QueueSnapshot.State.PAUSED);
			scheduleRecheck();
		}
		return room;
	}

	/**
	 * The pipe closed: write what it brought.
	 */
	void pipeClosed() {
		try {
			flush();
		}
		catch (PipeException ex) {
			logger.error("Service '" + this.context.serviceId() + "' lost the data its pipe brought last: "
					+ ex.getMessage());
		}
	}

	@Override
	protected void closing() {
		cancel(this.recheck);
		this.recheck = null;
		pipeClosed();
	}

	private void scheduleRecheck() {
		this.recheck = this.context.schedule(QueueWriterService.QUEUE_OUT + "-wait", this::recheck,
				this.config.queueOutWait());
	}

	private void recheck() {
		this.recheck = null;
		if (state() != QueueSnapshot.State.PAUSED) {
			return;
		}
		try {
			if (!limit().hasRoom()) {
				scheduleRecheck();
				return;
			}
		}
		catch (QueueException ex) {
			state(QueueSnapshot.State.ACTIVE);
			PipeException failure = failure(ex);
			this.pipe.get().close(failure.getCode(), failure.getMessage());
			return;
		}
		logger.info("Service '" + this.context.serviceId() + "' takes data again after "
				+ Durations.human(Duration.between(this.pausedAt, this.context.clock().instant())) + ": queue '"
				+ queue() + "' has room");
		state(QueueSnapshot.State.ACTIVE);
		this.pipe.get().resume();
	}

	private void groupTimedOut() {
		this.groupTimeout = null;
		try {
			flush();
		}
		catch (PipeException ex) {
			this.pipe.get().close(ex.getCode(), ex.getMessage());
		}
	}

	private void flush() {
		cancel(this.groupTimeout);
		this.groupTimeout = null;
		if (this.group.isEmpty()) {
			return;
		}
		List<byte[]> payloads = List.copyOf(this.group);
		this.group.clear();
		write(payloads);
	}

	private void write(List<byte[]> payloads) {
		try {
			queue().enqueueAll(payloads);
		}
		catch (QueueException ex) {
			PipeException failure = failure(ex);
			if (payloads.size() == 1) {
				throw failure;
			}
			throw new PipeException(failure.getCode(),
					failure.getMessage() + " (writing a group of " + payloads.size() + " messages)");
		}
		this.statistics.enqueued(payloads.size());
		limit().added(payloads.size());
	}

	private PipeException failure(QueueException ex) {
		this.statistics.failed();
		recordError(ex);
		return new PipeException(FbdpErrorCode.ERROR, messageOf(ex));
	}

	/**
	 * Return the limit of the open queue; loop thread only.
	 */
	private OutputLimit limit() {
		OutputLimit current = this.limit;
		if (current == null) {
			throw new IllegalStateException("Queue '" + this.config.queueOutDir() + "' is not open");
		}
		return current;
	}

	private static void cancel(@Nullable ScheduledAction action) {
		if (action != null) {
			action.cancel();
		}
	}

}
