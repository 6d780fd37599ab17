package dev.butler.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns exceptions into the detail lines shown to controllers and operators.
 */
final class ErrorDetails {

	private ErrorDetails() {
	}

	/**
	 * Describe an exception and its causes, one line each.
	 * @param ex the exception
	 * @return the detail lines
	 */
	static List<String> describe(Throwable ex) {
		List<String> lines = new ArrayList<>();
		for (Throwable current = ex; current != null && lines.size() < 10; current = current.getCause()) {
			lines.add(((lines.isEmpty()) ? "" : "Caused by: ") + summary(current));
			if (current.getCause() == current) {
				break;
			}
		}
		return List.copyOf(lines);
	}

	/**
	 * Return the text of an exception as Saturnin puts it in ICCP ERROR ({@code str(exc)}): its message,
	 * or its type when it has none.
	 * @param ex the exception
	 * @return the text
	 */
	static String message(Throwable ex) {
		String message = ex.getMessage();
		return (message != null && !message.isBlank()) ? message : ex.getClass().getSimpleName();
	}

	/**
	 * Describe an exception in one line: its type and message.
	 * @param ex the exception
	 * @return the summary
	 */
	static String summary(Throwable ex) {
		String message = ex.getMessage();
		return ex.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

}
