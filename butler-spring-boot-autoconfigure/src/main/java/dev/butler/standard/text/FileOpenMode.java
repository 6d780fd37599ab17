package dev.butler.standard.text;

/**
 * How a writer opens its output file, as Saturnin's {@code FileOpenMode} ({@code file_mode}).
 */
public enum FileOpenMode {

	/** Create the file, or truncate it if it exists. */
	WRITE,

	/** Create the file; fail if it exists. */
	CREATE,

	/** Append to the file, creating it if it does not exist. */
	APPEND,

	/**
	 * Rename an existing file aside to the first free {@code <filename>.<n>} ({@code n} from 1), then
	 * create the file.
	 */
	RENAME

}
