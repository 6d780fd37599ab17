package dev.butler.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Real filesystem faults for tests: a directory the process may not write to, a small filesystem
 * that fills up, a filesystem other than the temporary directory's. The tests run as root in CI,
 * where file modes do not stop writes, so an unwritable directory is made immutable
 * ({@code chattr +i}) and a full disk is a small tmpfs mounted for the test.
 */
public final class FileSystemFaults {

	private FileSystemFaults() {
	}

	public static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	/**
	 * Make a directory refuse new entries, for root too.
	 */
	public static void denyWrites(Path directory) {
		if (isRoot()) {
			run("chattr", "+i", directory.toString());
		}
		else {
			run("chmod", "a-w", directory.toString());
		}
	}

	public static void allowWrites(Path directory) {
		if (isRoot()) {
			run("chattr", "-i", directory.toString());
		}
		else {
			run("chmod", "u+w", directory.toString());
		}
	}

	/**
	 * Mount a tmpfs of the given size on a new directory; needs root.
	 */
	public static Path mountTmpfs(Path parent, String size) throws IOException {
		Assumptions.assumeTrue(isRoot(), "mounting a small filesystem needs root (CI runs as root)");
		Path mountPoint = Files.createDirectories(parent.resolve("tmpfs-" + System.nanoTime()));
		run("mount", "-t", "tmpfs", "-o", "size=" + size, "butler-test", mountPoint.toString());
		return mountPoint;
	}

	public static void unmount(Path mountPoint) {
		run("umount", mountPoint.toString());
	}

	private static void run(String... command) {
		try {
			Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes());
			if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(String.join(" ", command) + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
