package dev.butler.queue;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Finds the {@link FileSystemSync} of this JVM. Implementations are compiled for Java 22 (the
 * Foreign Function and Memory API), so on an older JVM none is looked up at all: not even their
 * service file is read, and none of their classes is loaded.
 */
final class FileSystemSyncLookup {

	/** The first Java release whose Foreign Function and Memory API is final. */
	static final int FOREIGN_FUNCTIONS = 22;

	private static final Log logger = LogFactory.getLog(FileSystemSyncLookup.class);

	static final FileSystemSync AVAILABLE = find(Runtime.version().feature(),
			FileSystemSync.class.getClassLoader());

	private FileSystemSyncLookup() {
	}

	/**
	 * Find the first usable implementation, or fall back to the per-file sync.
	 * @param javaFeature the feature release of the running JVM
	 * @param loader where to look for implementations
	 * @return the sync to use
	 */
	static FileSystemSync find(int javaFeature, @Nullable ClassLoader loader) {
		if (javaFeature < FOREIGN_FUNCTIONS) {
			logger.debug("Directory queues sync each file of a group: a file-system sync needs Java "
					+ FOREIGN_FUNCTIONS + " or later, this is Java " + javaFeature);
			return PerFileSync.INSTANCE;
		}
		try {
			Iterator<FileSystemSync> found = ServiceLoader.load(FileSystemSync.class, loader).iterator();
			if (found.hasNext()) {
				FileSystemSync sync = found.next();
				logger.debug("Directory queues sync the file system once per group with " + sync.name());
				return sync;
			}
			logger.debug("Directory queues sync each file of a group: no file-system sync is installed");
		}
		catch (ServiceConfigurationError | LinkageError ex) {
			logger.debug("Directory queues sync each file of a group: the file-system sync is not usable", ex);
		}
		return PerFileSync.INSTANCE;
	}

}
