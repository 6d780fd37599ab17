package dev.butler.queue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * A directory queue operation failed; the message says what was attempted on which path and why,
 * e.g. {@code No space left on device}. The message files are left where they were.
 */
public class QueueException extends IOException {

	/**
	 * Create a new exception.
	 * @param message what failed and why
	 * @param cause the cause, may be {@code null}
	 */
	public QueueException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

	static QueueException of(String action, Path path, IOException cause) {
		return new QueueException("Cannot " + action + " '" + path + "': " + reason(cause), cause);
	}

	/**
	 * Return the operating system's reason for a failure, e.g. {@code Permission denied}.
	 * @param ex the failure
	 * @return the reason
	 */
	static String reason(IOException ex) {
		String message = ex.getMessage();
		if (ex instanceof QueueException && message != null) {
			return message;
		}
		if (ex instanceof FileSystemException fs && fs.getReason() != null) {
			return fs.getReason();
		}
		if (ex instanceof java.nio.file.NoSuchFileException) {
			return "No such file or directory";
		}
		if (ex instanceof java.nio.file.AccessDeniedException) {
			return "Permission denied";
		}
		return (message != null) ? message : ex.getClass().getSimpleName();
	}

}
