package dev.butler.queue;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.butler.service.ScheduledAction;
import dev.butler.service.ServiceContext;

/**
 * Tells a service when files arrive in a directory, on the service's loop thread: at once where the
 * JDK's {@link WatchService} can watch the directory (on a thread of the service,
 * {@code butler-queue-watch-<id>}), and by polling at a fixed interval everywhere, as a fallback and
 * a safety net.
 */
public final class QueueWatcher implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(QueueWatcher.class);

	/** How long {@link #close()} waits for the watching thread to end. */
	private static final long JOIN_MILLIS = 1000;

	private final ServiceContext context;

	private final Runnable onArrival;

	private final AtomicBoolean signalled = new AtomicBoolean();

	private @Nullable WatchService watchService;

	private @Nullable Thread thread;

	private @Nullable ScheduledAction poll;

	private QueueWatcher(ServiceContext context, Runnable onArrival) {
		this.context = context;
		this.onArrival = onArrival;
	}

	/**
	 * Watch a directory for files created or moved into it. Call from the service's loop thread.
	 * @param directory the directory, e.g. a queue's {@code incoming/}
	 * @param context the service context
	 * @param name names the polling action, e.g. {@code queue-in}
	 * @param pollInterval how often to look without being told, e.g. {@code queue_in_wait}
	 * @param onArrival called on the service's loop thread when files may have arrived
	 * @return the watcher
	 */
	public static QueueWatcher watch(Path directory, ServiceContext context, String name, Duration pollInterval,
			Runnable onArrival) {
		QueueWatcher watcher = new QueueWatcher(context, onArrival);
		watcher.startWatching(directory);
		watcher.poll = context.scheduleWithFixedDelay(name + "-poll", onArrival, pollInterval);
		return watcher;
	}

	private void startWatching(Path directory) {
		WatchService service = null;
		try {
			service = directory.getFileSystem().newWatchService();
			directory.register(service, StandardWatchEventKinds.ENTRY_CREATE);
		}
		catch (IOException | UnsupportedOperationException ex) {
			logger.info("Cannot watch '" + directory + "' (" + ex.getMessage() + "); polling it instead");
			closeQuietly(service);
			return;
		}
		WatchService watching = service;
		this.watchService = watching;
		this.thread = this.context.startThread("queue-watch", () -> run(watching, this::signal));
	}

	private static void run(WatchService watchService, Runnable onEvent) {
		try {
			while (true) {
				WatchKey key = watchService.take();
				key.pollEvents();
				onEvent.run();
				if (!key.reset()) {
					logger.warn("Watched directory is gone; relying on polling");
					return;
				}
			}
		}
		catch (ClosedWatchServiceException | InterruptedException ex) {
			// closed
		}
	}

	/**
	 * Have the loop run the arrival callback soon, as if files had arrived, e.g. to go on with work
	 * left over. Safe from any thread; repeated requests before the loop gets to it run it once.
	 */
	public void signal() {
		if (this.signalled.compareAndSet(false, true)) {
			this.context.loopExecutor().execute(() -> {
				this.signalled.set(false);
				this.onArrival.run();
			});
		}
	}

	/**
	 * Whether the directory is watched; if not, arrivals are only found by polling.
	 * @return {@code true} if arrivals are reported at once
	 */
	public boolean isWatching() {
		return this.watchService != null;
	}

	/**
	 * Stop watching and polling, and wait a moment for the watching thread to end.
	 */
	@Override
	public void close() {
		closeQuietly(this.watchService);
		if (this.poll != null) {
			this.poll.cancel();
		}
		if (this.thread != null) {
			try {
				this.thread.join(JOIN_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static void closeQuietly(@Nullable WatchService watchService) {
		if (watchService != null) {
			try {
				watchService.close();
			}
			catch (IOException ex) {
				// nothing left to do
			}
		}
	}

}
