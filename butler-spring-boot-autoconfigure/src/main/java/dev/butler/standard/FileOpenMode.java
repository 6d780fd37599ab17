package dev.butler.standard;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * How a writer opens its output file, Saturnin's {@code FileOpenMode} ({@code file_mode}) without
 * {@code READ}.
 */
public enum FileOpenMode {

	/** Create the file, or truncate it if it exists. */
	WRITE(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE),

	/** Create the file; fail if it exists. */
	CREATE(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),

	/** Append to the file, creating it if it does not exist. */
	APPEND(StandardOpenOption.CREATE, StandardOpenOption.APPEND),

	/**
	 * Rename an existing file aside to the first free {@code <filename>.<n>} ({@code n} from 1), then
	 * create the file.
	 */
	RENAME(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);

	private static final Log logger = LogFactory.getLog(FileOpenMode.class);

	private final OpenOption[] openOptions;

	FileOpenMode(OpenOption... openOptions) {
		this.openOptions = openOptions;
	}

	/**
	 * Open a file for writing in this mode.
	 * @param path the file
	 * @return the channel
	 * @throws java.nio.file.FileAlreadyExistsException in mode {@link #CREATE} if the file exists
	 * @throws IOException if the file cannot be opened
	 */
	public FileChannel open(Path path) throws IOException {
		if (this == RENAME) {
			renameAside(path);
		}
		return FileChannel.open(path, this.openOptions);
	}

	/**
	 * Move an existing file to the first free {@code <filename>.<n>}, as Saturnin does.
	 */
	private static void renameAside(Path path) throws IOException {
		if (!Files.isRegularFile(path)) {
			return;
		}
		Path aside;
		int number = 1;
		do {
			aside = path.resolveSibling(path.getFileName() + "." + number++);
		}
		while (Files.exists(aside, LinkOption.NOFOLLOW_LINKS));
		Files.move(path, aside);
		logger.info("Renamed the existing '" + path + "' to '" + aside + "' (file mode RENAME)");
	}

}
