package dev.butler.queue;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The fallback {@link FileSystemSync}: each file is forced as it is written
 * ({@code FileChannel.force}), so this only syncs a directory's entries.
 */
final class PerFileSync implements FileSystemSync {

	static final PerFileSync INSTANCE = new PerFileSync();

	private PerFileSync() {
	}

	@Override
	public String name() {
		return "fsync";
	}

	@Override
	public void sync(Path directory) throws IOException {
		DirectoryQueue.syncDirectory(directory);
	}

	@Override
	public String toString() {
		return name();
	}

}
