package dev.butler.queue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.butler.service.Durations;
import dev.butler.service.ResourceSnapshot.Count;
import dev.butler.service.ScheduledAction;
import dev.butler.service.ServiceContext;
import dev.butler.service.ServiceResource;

/**
 * Runs a {@link PiperService}'s input queue on the service's loop: claims messages as they arrive,
 * has them processed and disposes of them, pausing while the next queue is full.
 */
final class QueueProcessor implements ServiceResource {

	/** Messages processed before the loop serves its other work. */
	private static final int BUDGET = 64;

	private static final Log logger = LogFactory.getLog(QueueProcessor.class);

	private final String name;

	private final ServiceContext context;

	private final PiperOptions options;

	private final Handler handler;

	private final QueueStatistics statistics;

	private final Path queueIn;

	private final @Nullable Path queueOut;

	private volatile @Nullable DirectoryQueue next;

	private volatile @Nullable QueueReader reader;

	private volatile @Nullable QueueWatcher watcher;

	private volatile QueueSnapshot.State state = QueueSnapshot.State.CLOSED;

	private volatile @Nullable String lastError;

	private @Nullable OutputLimit outputLimit;

	private @Nullable ScheduledAction resumption;

	/** When the current pause began, {@code null} while not paused; loop thread only. */
	private @Nullable Instant pausedAt;

	QueueProcessor(String name, ServiceContext context, PiperOptions options, Handler handler,
			QueueStatistics statistics) {
		this.name = name;
		this.context = context;
		this.options = options;
		this.handler = handler;
		this.statistics = statistics;
		this.queueIn = options.queueIn(context);
		this.queueOut = options.queueOut(context);
	}

	@Override
	public void open() throws Exception {
		DirectoryQueue in = DirectoryQueue.open(this.queueIn, this.options.permissions(),
				this.context.queueSyncExecutor());
		if (this.queueOut != null) {
			DirectoryQueue out = DirectoryQueue.open(this.queueOut, this.options.permissions(),
					this.context.queueSyncExecutor());
			if (!in.isOnSameFileSystem(out)) {
				throw new QueueException("Queue '" + out + "' (" + this.context.propertyName("queue-out-dir")
						+ ") is on another filesystem than '" + in + "' (" + this.context.propertyName("queue-in-dir")
						+ "): messages are handed on by atomic rename, so both must be on one filesystem", null);
			}
			this.next = out;
			this.outputLimit = new OutputLimit(out, this.options.queueOutLimit());
		}
		this.reader = QueueReader.open(in, this.statistics, this.options.maxRecoveries());
		this.watcher = QueueWatcher.watch(in.incoming(), this.context, this.name, this.options.queueInWait(),
				this::drain);
		this.state = QueueSnapshot.State.ACTIVE;
		this.watcher.signal();
	}

	@Override
	public void close(String reason) {
		this.state = QueueSnapshot.State.CLOSED;
		if (this.watcher != null) {
			this.watcher.close();
		}
		if (this.resumption != null) {
			this.resumption.cancel();
		}
		if (this.reader != null) {
			this.reader.close();
		}
	}

	private void drain() {
		QueueWatcher currentWatcher = this.watcher;
		if (this.state != QueueSnapshot.State.ACTIVE || currentWatcher == null) {
			return;
		}
		try {
			for (int i = 0; i < BUDGET; i++) {
				if (this.outputLimit != null && !this.outputLimit.hasRoom()) {
					pause(QueueSnapshot.State.PAUSED, null);
					return;
				}
				QueueMessage message = reader().next();
				if (message == null) {
					resumed();
					return;
				}
				process(message, 1);
				if (this.state == QueueSnapshot.State.ACTIVE) {
					resumed();
				}
				else {
					return;
				}
			}
			currentWatcher.signal();
		}
		catch (QueueException ex) {
			pause(QueueSnapshot.State.STALLED, ex);
		}
	}

	private void process(QueueMessage message, int attempt) throws QueueException {
		Disposition disposition;
		this.statistics.processed();
		try {
			disposition = this.handler.process(message);
			if (disposition == null) {
				throw new IllegalStateException("process(..) returned null instead of a Disposition");
			}
		}
		catch (Exception ex) {
			if (attempt < this.options.maxAttempts()) {
				logger.warn("Service '" + this.context.serviceId() + "' failed to process message '" + message.name()
						+ "' (attempt " + attempt + " of " + this.options.maxAttempts() + "); retrying in "
						+ this.options.retryWait(), ex);
				this.context.schedule(this.name + "-retry", () -> retry(message, attempt + 1),
						this.options.retryWait());
			}
			else {
				logger.warn("Service '" + this.context.serviceId() + "' banishes message '" + message.name()
						+ "' after " + attempt + " attempt(s): " + ex);
				dispose(message, () -> reader().banish(message, "Processing failed: " + ex, ex, attempt));
			}
			return;
		}
		switch (disposition.kind()) {
			case COMMIT -> dispose(message, () -> commit(message, disposition.content()));
			case CANCEL -> dispose(message, () -> reader().commit(message));
			case BANISH -> dispose(message,
					() -> reader().banish(message, disposition.reason(), null, attempt));
		}
	}

	private void retry(QueueMessage message, int attempt) {
		if (this.state == QueueSnapshot.State.CLOSED) {
			return;
		}
		try {
			process(message, attempt);
		}
		catch (QueueException ex) {
			pause(QueueSnapshot.State.STALLED, ex);
		}
	}

	private void commit(QueueMessage message, byte @Nullable [] content) throws QueueException {
		DirectoryQueue out = this.next;
		OutputLimit limit = this.outputLimit;
		if (out == null || limit == null) {
			if (content != null) {
				reader().banish(message, "The service passed on new content but has no "
						+ this.context.propertyName("queue-out-dir"), null, 1);
				return;
			}
			reader().commit(message);
			return;
		}
		if (content != null) {
			reader().handOn(message, out, content);
		}
		else {
			reader().handOn(message, out);
		}
		limit.added(1);
	}

	/**
	 * Dispose of a processed message; if that fails, e.g. for a full disk, put it back for a later
	 * attempt and stall.
	 */
	private void dispose(QueueMessage message, Disposal disposal) throws QueueException {
		try {
			disposal.run();
		}
		catch (QueueException ex) {
			logger.error("Service '" + this.context.serviceId() + "' cannot dispose of message '" + message.name()
					+ "': " + ex.getMessage());
			try {
				reader().release(message);
			}
			catch (QueueException notReleased) {
				logger.error(notReleased.getMessage() + "; it will be recovered when the service starts again");
			}
			throw ex;
		}
	}

	/**
	 * Pause until a check after {@code queue_out_wait} finds the queue can go on; logged once per
	 * pause, not at every check.
	 */
	private void pause(QueueSnapshot.State reason, @Nullable QueueException failure) {
		this.state = reason;
		if (failure != null) {
			this.lastError = failure.getMessage();
		}
		if (this.pausedAt == null) {
			this.pausedAt = this.context.clock().instant();
			String every = Durations.human(this.options.queueOutWait());
			OutputLimit limit = this.outputLimit;
			if (failure != null) {
				logger.error("Service '" + this.context.serviceId() + "' pauses its queue: " + failure.getMessage()
						+ "; trying again every " + every);
			}
			else if (limit != null) {
				logger.info("Service '" + this.context.serviceId() + "' pauses: queue '" + this.next + "' holds "
						+ limit.limit() + " messages or more; checking again every " + every);
			}
		}
		this.resumption = this.context.schedule(this.name + "-resume", this::resume, this.options.queueOutWait());
	}

	/** The queue moves again: log the end of a pause. */
	private void resumed() {
		if (this.pausedAt != null) {
			Duration paused = Duration.between(this.pausedAt, this.context.clock().instant());
			this.pausedAt = null;
			logger.info("Service '" + this.context.serviceId() + "' resumes its queue after " + Durations.human(paused));
		}
	}

	private void resume() {
		if (this.state == QueueSnapshot.State.PAUSED || this.state == QueueSnapshot.State.STALLED) {
			this.state = QueueSnapshot.State.ACTIVE;
			drain();
		}
	}

	/**
	 * Return the reader of the open queue; loop thread only.
	 */
	private QueueReader reader() {
		QueueReader current = this.reader;
		if (current == null) {
			throw new IllegalStateException("Queue '" + this.queueIn + "' is not open");
		}
		return current;
	}

	@Override
	public List<Count> counters() {
		return this.statistics.counts().counters();
	}

	@Override
	public QueueSnapshot describe() {
		QueueReader current = this.reader;
		long backlog = (current != null) ? current.queue().backlog() : -1;
		return new QueueSnapshot(this.name, this.queueIn.toString(),
				(this.queueOut != null) ? this.queueOut.toString() : null,
				(current != null) ? current.consumer() : null, this.state,
				this.watcher != null && this.watcher.isWatching(), backlog, this.statistics.counts(), this.lastError);
	}

	/**
	 * Processes a message: {@link PiperService#process}.
	 */
	@FunctionalInterface
	interface Handler {

		Disposition process(QueueMessage message) throws Exception;

	}

	@FunctionalInterface
	private interface Disposal {

		void run() throws QueueException;

	}

}
