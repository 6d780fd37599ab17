package dev.butler.context;

/**
 * Thrown when a context definition is not valid; names the field, relative to the definition,
 * e.g. {@code services.reader.agent}, so that each source of definitions can name it in its own
 * terms (a property, a field of a bus message).
 */
public class ContextDefinitionException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final String field;

	private final String reason;

	/**
	 * Create an exception.
	 * @param field the field, relative to the definition; empty for the definition as a whole
	 * @param reason what is wrong with it
	 */
	public ContextDefinitionException(String field, String reason) {
		super(field.isEmpty() ? reason : field + " " + reason);
		this.field = field;
		this.reason = reason;
	}

	/**
	 * Return the field, relative to the definition, e.g. {@code services.reader.agent}.
	 * @return the field, empty for the definition as a whole
	 */
	public String field() {
		return this.field;
	}

	/**
	 * Return what is wrong with the field.
	 * @return the reason
	 */
	public String reason() {
		return this.reason;
	}

}
