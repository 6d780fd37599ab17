package dev.butler.context;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a message of the control bus asks for, by its {@code action}.
 */
public enum ContextAction {

	/** Start a context's transaction or one of its services. */
	START,

	/** Stop a context's transaction or one of its services. */
	STOP,

	/** Restart a context's transaction or one of its services. */
	RESTART,

	/** Publish a transaction's state. */
	REQUEST;

	/**
	 * Return the action that a message names, in lower case.
	 * @param name the name, e.g. {@code start}
	 * @return the action, or empty if none has that name
	 */
	public static Optional<ContextAction> named(String name) {
		return Arrays.stream(values()).filter((action) -> action.wireName().equals(name)).findFirst();
	}

	/**
	 * Return the names of all actions, as messages carry them.
	 * @return the names
	 */
	public static List<String> wireNames() {
		return Arrays.stream(values()).map(ContextAction::wireName).toList();
	}

	/**
	 * Return the name of the action in messages.
	 * @return the name, e.g. {@code start}
	 */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

}
