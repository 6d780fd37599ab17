package dev.butler.standard.queue;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.butler.queue.DirectoryQueue;
import dev.butler.queue.PiperOptions;
import dev.butler.queue.QueueException;
import dev.butler.queue.QueueSnapshot;
import dev.butler.queue.QueueStatistics;
import dev.butler.service.ResourceSnapshot.Count;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;
import dev.butler.service.ServiceResource;

/**
 * The directory queue of a bridge service: opened when the service starts, so that a queue that
 * cannot be opened fails start-up, closed after the service's pipe, and described in
 * {@code /actuator/butler}. Runs on the service's loop thread; {@link #describe()} and
 * {@link #counters()} may be called from any thread.
 */
abstract class QueueBridge implements ServiceResource {

	private final String name;

	private final String option;

	private final String value;

	private final Path directory;

	private final @Nullable Set<PosixFilePermission> permissions;

	protected final ServiceContext context;

	protected final QueueStatistics statistics;

	private volatile @Nullable DirectoryQueue queue;

	private volatile QueueSnapshot.State state = QueueSnapshot.State.CLOSED;

	private volatile @Nullable String lastError;

	/**
	 * Create the queue side of a bridge.
	 * @param name the queue's name in {@code /actuator/butler}
	 * @param option the option naming the directory, e.g. {@code queue-out-dir}
	 * @param value the option's value
	 * @param context the service context
	 * @param permissions permissions of directories created, {@code null} for the umask
	 * @param statistics the counters, kept over all runs of the service
	 */
	QueueBridge(String name, String option, String value, ServiceContext context,
			@Nullable Set<PosixFilePermission> permissions, QueueStatistics statistics) {
		this.name = name;
		this.option = option;
		this.value = value;
		this.directory = PiperOptions.resolve(context, value);
		this.permissions = permissions;
		this.context = context;
		this.statistics = statistics;
	}

	@Override
	public final void open() throws Exception {
		DirectoryQueue opened;
		try {
			opened = DirectoryQueue.open(this.directory, this.permissions, this.context.queueSyncExecutor());
			opened(opened);
		}
		catch (QueueException ex) {
			throw new ServiceConfigurationException(this.context.propertyName(this.option), this.value,
					messageOf(ex), ex);
		}
		this.lastError = null;
		this.queue = opened;
		this.state = QueueSnapshot.State.ACTIVE;
	}

	/**
	 * The queue is open: start using it.
	 * @param queue the queue
	 * @throws QueueException if it cannot be used
	 */
	protected abstract void opened(DirectoryQueue queue) throws QueueException;

	@Override
	public final void close(String reason) {
		this.state = QueueSnapshot.State.CLOSED;
		closing();
	}

	/**
	 * The service stops, after its pipe closed: put away what is left.
	 */
	protected abstract void closing();

	/**
	 * Return the open queue.
	 * @return the queue
	 * @throws IllegalStateException before it is opened
	 */
	protected final DirectoryQueue queue() {
		DirectoryQueue opened = this.queue;
		if (opened == null) {
			throw new IllegalStateException("Queue '" + this.directory + "' is not open");
		}
		return opened;
	}

	/**
	 * Return what this side is doing with the queue.
	 * @return the state
	 */
	protected final QueueSnapshot.State state() {
		return this.state;
	}

	/**
	 * Change what this side is doing with the queue, unless it is closed.
	 * @param state the new state
	 */
	protected final void state(QueueSnapshot.State state) {
		if (this.state != QueueSnapshot.State.CLOSED) {
			this.state = state;
		}
	}

	/**
	 * Record a failed queue operation for {@code /actuator/butler}.
	 * @param failure what failed
	 */
	protected final void recordError(QueueException failure) {
		this.lastError = failure.getMessage();
	}

	/**
	 * Return the text of a failed queue operation.
	 * @param failure what failed
	 * @return its message, or its type when it has none
	 */
	static String messageOf(QueueException failure) {
		String message = failure.getMessage();
		return (message != null) ? message : failure.toString();
	}

	/**
	 * Return this side's subdirectory of {@code pending/}.
	 * @return the consumer name, {@code null} if this side does not consume
	 */
	protected @Nullable String consumer() {
		return null;
	}

	/**
	 * Whether arrivals are watched rather than polled.
	 * @return {@code true} if watched
	 */
	protected boolean isWatching() {
		return false;
	}

	@Override
	public final List<Count> counters() {
		return this.statistics.counts().counters();
	}

	@Override
	public final QueueSnapshot describe() {
		QueueSnapshot.State current = this.state;
		DirectoryQueue opened = this.queue;
		long backlog = (opened != null) ? opened.backlog() : -1;
		return new QueueSnapshot(this.name, this.directory.toString(), null, consumer(), current, isWatching(),
				backlog, this.statistics.counts(), this.lastError);
	}

}
