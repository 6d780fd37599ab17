package dev.butler.standard.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.butler.service.ServiceConfigurationException;

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
	 * Open a file for writing in this mode, creating missing parent directories.
	 * @param path the file
	 * @return the channel
	 * @throws java.nio.file.FileAlreadyExistsException in mode {@link #CREATE} if the file exists
	 * @throws IOException if the file cannot be opened
	 */
	public FileChannel open(Path path) throws IOException {
		Path parent = path.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		if (this == RENAME) {
			renameAside(path);
		}
		return FileChannel.open(path, this.openOptions);
	}

	/**
	 * Open a writer's output file, failing with the reason in terms of its configuration.
	 * @param filename the {@code filename} option
	 * @param property the full name of the property, e.g. {@code butler.services.out.filename}
	 * @return the channel
	 * @throws ServiceConfigurationException naming the property, the file and why it cannot be
	 * written: it exists in mode {@link #CREATE}, permission denied, a parent is not a directory, …
	 */
	public FileChannel openOutput(String filename, String property) {
		Path path;
		try {
			path = Path.of(filename);
		}
		catch (InvalidPathException ex) {
			throw new ServiceConfigurationException(property, filename, "not a valid path: " + ex.getReason(), ex);
		}
		try {
			return open(path);
		}
		catch (IOException ex) {
			throw new ServiceConfigurationException(property, filename, whyNotWritable(path, ex), ex);
		}
	}

	private String whyNotWritable(Path path, IOException ex) {
		if (ex instanceof FileAlreadyExistsException exists) {
			return (this == CREATE && Files.isRegularFile(path))
					? "the file exists, and file_mode CREATE does not overwrite it"
					: "'" + exists.getFile() + "' is not a directory";
		}
		if (ex instanceof AccessDeniedException denied) {
			return "permission denied on '" + denied.getFile() + "'";
		}
		if (ex instanceof FileSystemException failed && failed.getReason() != null) {
			return failed.getReason() + ((failed.getFile() != null) ? " ('" + failed.getFile() + "')" : "");
		}
		return "it cannot be written (" + ex + ")";
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
