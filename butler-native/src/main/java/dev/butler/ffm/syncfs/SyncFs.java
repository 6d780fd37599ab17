package dev.butler.ffm.syncfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import dev.butler.queue.FileSystemSync;

/**
 * Syncs the file system of a directory with Linux's {@code syncfs(2)}: the directory is opened
 * ({@code open(2)} with {@code O_DIRECTORY}), its file system synced, and it is closed. Found by
 * {@link java.util.ServiceLoader}; its constructor refuses where it cannot work: another system
 * than Linux on x86-64 or AArch64, or a JVM that has not enabled native access for the class path
 * ({@code --enable-native-access=ALL-UNNAMED}).
 */
public final class SyncFs implements FileSystemSync {

	/**
	 * Check that {@code syncfs(2)} can be called here and link it.
	 * @throws UnsupportedOperationException if it cannot
	 */
	public SyncFs() {
		String os = System.getProperty("os.name", "");
		if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
			throw new UnsupportedOperationException("syncfs(2) is Linux's, this is " + os);
		}
		if (!SyncFs.class.getModule().isNativeAccessEnabled()) {
			throw new UnsupportedOperationException(
					"Native access is not enabled for " + SyncFs.class.getModule() + ": start the JVM with "
							+ "--enable-native-access=ALL-UNNAMED to sync a group's file system at once");
		}
		LibC.link();
	}

	@Override
	public String name() {
		return "syncfs";
	}

	@Override
	public void sync(Path directory) throws IOException {
		LibC.syncFileSystemOf(directory);
	}

	@Override
	public String toString() {
		return name();
	}

}
