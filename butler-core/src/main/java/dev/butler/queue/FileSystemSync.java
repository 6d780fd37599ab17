package dev.butler.queue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Makes durable, in one call, everything written to the file system that holds a directory: the
 * content of files, new files and renames. A directory queue's group commit
 * ({@link DirectoryQueue#enqueueAll}) with one writes the files of a group without syncing each,
 * syncs the file system once, renames them into {@code incoming/} and syncs that directory: a
 * constant number of syncs per group instead of one per file.
 * <p>
 * Implementations are found with {@link ServiceLoader}, on Java 22 and later only: the
 * {@code butler-native} module provides {@code syncfs(2)} on Linux through the Foreign Function and
 * Memory API. Without a usable one, queues sync each file of a group ({@link #perFile()}).
 */
public interface FileSystemSync {

	/**
	 * Return a short name for logs, e.g. {@code syncfs}.
	 * @return the name
	 */
	String name();

	/**
	 * Make durable everything written so far to the file system holding a directory.
	 * @param directory a directory on that file system
	 * @throws IOException if the directory cannot be opened or the file system cannot be synced
	 */
	void sync(Path directory) throws IOException;

	/**
	 * Return the fallback, which cannot sync a whole file system: a queue using it forces each file
	 * of a group as it writes it, on several threads, and its {@link #sync} syncs the directory's
	 * entries only.
	 * @return the per-file sync
	 */
	static FileSystemSync perFile() {
		return PerFileSync.INSTANCE;
	}

	/**
	 * Return the sync that queues use by default: the first usable implementation that
	 * {@link ServiceLoader} finds on Java 22 or later, else {@link #perFile()}. Looked up once per
	 * class loader of this interface.
	 * @return the file-system sync of this JVM
	 */
	static FileSystemSync available() {
		return FileSystemSyncLookup.AVAILABLE;
	}

}
