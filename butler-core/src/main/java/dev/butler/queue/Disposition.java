package dev.butler.queue;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link PiperService} does with a message it processed, with the names of Mentat's filer
 * protocol.
 */
public final class Disposition {

	private static final Disposition COMMIT = new Disposition(Kind.COMMIT, null, null);

	private static final Disposition CANCEL = new Disposition(Kind.CANCEL, null, null);

	private final Kind kind;

	private final byte @Nullable [] content;

	private final @Nullable String reason;

	private Disposition(Kind kind, byte @Nullable [] content, @Nullable String reason) {
		this.kind = kind;
		this.content = content;
		this.reason = reason;
	}

	/**
	 * Done: hand the message on unchanged to the next queue, or delete it if there is none.
	 * @return the disposition
	 */
	public static Disposition commit() {
		return COMMIT;
	}

	/**
	 * Done: hand new content on to the next queue under the message's name. Needs a next queue.
	 * @param content the content to pass on
	 * @return the disposition
	 */
	public static Disposition commit(byte[] content) {
		return new Disposition(Kind.COMMIT, Objects.requireNonNull(content, "'content' must not be null"), null);
	}

	/**
	 * Drop the message without handing it on, e.g. when filtering.
	 * @return the disposition
	 */
	public static Disposition cancel() {
		return CANCEL;
	}

	/**
	 * Move the message to {@code errors/} with a {@code .meta} file giving the reason.
	 * @param reason why the message cannot be processed
	 * @return the disposition
	 */
	public static Disposition banish(String reason) {
		return new Disposition(Kind.BANISH, null, Objects.requireNonNull(reason, "'reason' must not be null"));
	}

	Kind kind() {
		return this.kind;
	}

	byte @Nullable [] content() {
		return this.content;
	}

	/**
	 * Return why a message is banished.
	 * @throws IllegalStateException if this is not {@link Kind#BANISH}
	 */
	String reason() {
		if (this.reason == null) {
			throw new IllegalStateException("A " + this.kind + " disposition has no reason");
		}
		return this.reason;
	}

	enum Kind {

		COMMIT, CANCEL, BANISH

	}

}
