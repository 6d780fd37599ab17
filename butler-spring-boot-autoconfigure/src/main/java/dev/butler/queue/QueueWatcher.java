package dev.butler.queue;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Tells when files arrive in a directory, with the JDK's {@link WatchService} on a daemon thread of
 * its own. Where the filesystem cannot be watched, {@link #isWatching()} is {@code false} and the
 * caller polls instead.
 */
public final class QueueWatcher implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(QueueWatcher.class);

	private final WatchService watchService;

	private QueueWatcher(WatchService watchService) {
		this.watchService = watchService;
	}

	/**
	 * Watch a directory for files created or moved into it.
	 * @param directory the directory, e.g. a queue's {@code incoming/}
	 * @param name names the watching thread
	 * @param onArrival called on the watching thread when files arrive; should only hand the news on
	 * @return the watcher; not watching if the directory cannot be watched
	 */
	public static QueueWatcher watch(Path directory, String name, Runnable onArrival) {
		WatchService watchService = null;
		try {
			watchService = directory.getFileSystem().newWatchService();
			directory.register(watchService, StandardWatchEventKinds.ENTRY_CREATE);
		}
		catch (IOException | UnsupportedOperationException ex) {
			logger.info("Cannot watch '" + directory + "' (" + ex.getMessage() + "); polling it instead");
			closeQuietly(watchService);
			return new QueueWatcher(null);
		}
		WatchService service = watchService;
		Thread thread = new Thread(() -> run(service, onArrival), "butler-queue-watch-" + name);
		thread.setDaemon(true);
		thread.start();
		return new QueueWatcher(service);
	}

	private static void run(WatchService watchService, Runnable onArrival) {
		try {
			while (true) {
				WatchKey key = watchService.take();
				key.pollEvents();
				onArrival.run();
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
	 * Whether the directory is watched; if not, the caller must poll.
	 * @return {@code true} if arrivals are reported
	 */
	public boolean isWatching() {
		return this.watchService != null;
	}

	@Override
	public void close() {
		closeQuietly(this.watchService);
	}

	private static void closeQuietly(WatchService watchService) {
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
