package dev.butler.standard.queue;

import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.butler.pipe.DataPipe;
import dev.butler.pipe.PipeException;
import dev.butler.pipe.PipeHandler;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.queue.DirectoryQueue;
import dev.butler.queue.QueueException;
import dev.butler.queue.QueueMessage;
import dev.butler.queue.QueueReader;
import dev.butler.queue.QueueSnapshot;
import dev.butler.queue.QueueStatistics;
import dev.butler.queue.QueueWatcher;
import dev.butler.service.ServiceContext;

/**
 * The queue a {@link QueueReaderService} sends: claims its messages one by one and deletes them once
 * the peer acknowledged them, i.e. asked for the batch after the one that carried them. Messages
 * not acknowledged when the pipe closes go back into {@code incoming/}.
 */
final class QueueInput extends QueueBridge {

	private static final Log logger = LogFactory.getLog(QueueInput.class);

	private final QueueReaderService.Config config;

	private final Supplier<DataPipe> pipe;

	/** Messages sent in this session and not acknowledged yet, oldest first. */
	private final Deque<Sent> unacknowledged = new ArrayDeque<>();

	private volatile @Nullable QueueReader reader;

	private volatile @Nullable QueueWatcher watcher;

	/** Whether the pipe waits for messages, until {@link DataPipe#resume()}. */
	private boolean waiting;

	/** Whether this side ended the data because the queue was empty. */
	private boolean ended;

	QueueInput(ServiceContext context, QueueReaderService.Config config,
			@Nullable Set<PosixFilePermission> permissions, QueueStatistics statistics, Supplier<DataPipe> pipe) {
		super(QueueReaderService.QUEUE_IN, "queue-in-dir", config.queueInDir(), context, permissions, statistics);
		this.config = config;
		this.pipe = pipe;
	}

	@Override
	protected void opened(DirectoryQueue queue) throws QueueException {
		this.reader = QueueReader.open(queue, this.statistics, this.config.maxRecoveries());
		this.watcher = QueueWatcher.watch(queue.incoming(), this.context, QueueReaderService.QUEUE_IN,
				this.config.queueInWait(), this::wake);
	}

	/**
	 * Return the content of the next message, after deleting the messages the peer acknowledged.
	 * @return the content; {@code null} when the queue is empty and {@code stop_when_empty} is set;
	 * otherwise {@link PipeHandler#NO_DATA_YET} when it is empty
	 * @throws PipeException if the queue cannot be read
	 */
	byte @Nullable [] next() {
		long batch = this.pipe.get().statistics().batches();
		try {
			deleteAcknowledged(batch);
			while (true) {
				QueueMessage message = reader().next();
				if (message == null) {
					if (this.config.stopWhenEmpty()) {
						this.ended = true;
						return null;
					}
					this.waiting = true;
					return PipeHandler.NO_DATA_YET;
				}
				byte[] content = read(message);
				if (content != null) {
					this.unacknowledged.add(new Sent(message, batch));
					this.statistics.processed();
					return content;
				}
			}
		}
		catch (QueueException ex) {
			recordError(ex);
			throw new PipeException(FbdpErrorCode.ERROR, messageOf(ex));
		}
	}

	/**
	 * Delete the messages sent in batches before the current one: the peer asked for this batch only
	 * after it took them.
	 */
	private void deleteAcknowledged(long batch) throws QueueException {
		while (!this.unacknowledged.isEmpty() && this.unacknowledged.peek().batch() < batch) {
			reader().commit(this.unacknowledged.peek().message());
			this.unacknowledged.poll();
		}
	}

	/**
	 * Read a claimed message; one that cannot be read is banished to {@code errors/}.
	 * @return the content, {@code null} if it was banished
	 */
	private byte @Nullable [] read(QueueMessage message) throws QueueException {
		try {
			return message.content();
		}
		catch (QueueException ex) {
			this.statistics.failed();
			recordError(ex);
			logger.error("Service '" + this.context.serviceId() + "' banishes message '" + message.name() + "': "
					+ ex.getMessage());
			reader().banish(message, messageOf(ex), ex, 1);
			return null;
		}
	}

	/**
	 * The pipe closed: delete the messages sent if this side ended the data with OK, otherwise put
	 * them back into {@code incoming/}, as the peer may not have taken them.
	 */
	void pipeClosed() {
		boolean delivered = this.ended;
		this.ended = false;
		this.waiting = false;
		Sent sent;
		while ((sent = this.unacknowledged.poll()) != null) {
			try {
				if (delivered) {
					reader().commit(sent.message());
				}
				else {
					reader().release(sent.message());
				}
			}
			catch (QueueException ex) {
				recordError(ex);
				logger.error("Service '" + this.context.serviceId() + "' could not settle message '"
						+ sent.message().name() + "': " + ex.getMessage());
			}
		}
	}

	@Override
	protected void closing() {
		if (this.watcher != null) {
			this.watcher.close();
		}
		pipeClosed();
		if (this.reader != null) {
			this.reader.close();
		}
	}

	private void wake() {
		if (this.waiting && state() != QueueSnapshot.State.CLOSED) {
			this.waiting = false;
			this.pipe.get().resume();
		}
	}

	/**
	 * Return the reader of the open queue; loop thread only.
	 */
	private QueueReader reader() {
		QueueReader current = this.reader;
		if (current == null) {
			throw new IllegalStateException("Queue '" + this.config.queueInDir() + "' is not open");
		}
		return current;
	}

	@Override
	protected @Nullable String consumer() {
		QueueReader current = this.reader;
		return (current != null) ? current.consumer() : null;
	}

	@Override
	protected boolean isWatching() {
		QueueWatcher current = this.watcher;
		return current != null && current.isWatching();
	}

	/**
	 * A message sent into the pipe.
	 *
	 * @param message the claimed message
	 * @param batch the number of the batch that carried it
	 */
	private record Sent(QueueMessage message, long batch) {

	}

}
