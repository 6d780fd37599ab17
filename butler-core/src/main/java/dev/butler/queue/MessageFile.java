package dev.butler.queue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file name of a message in a queue: the message name, followed by {@code +r<n>} once the
 * message was recovered {@code n} times from consumers that ended without finishing it, e.g.
 * {@code 1763900000000.host1.4242.000000017+r2}. The count thus survives the crash of the next
 * consumer, and is dropped when the message moves on to another queue. {@code +} sorts before
 * digits, letters, {@code .} and {@code -}, so a recovered message keeps its place in name order.
 * <p>
 * When a name is taken in the directory a message moves into, the message gets the name of a
 * variant: {@code <name>+2}, {@code <name>+3}, and so on.
 *
 * @param name the message name
 * @param recoveries how many times the message was recovered in this queue
 */
record MessageFile(String name, int recoveries) {

	/** Variants tried before giving up on a name: far more than same-named messages ever meet. */
	static final int MAX_VARIANTS = 1000;

	private static final Pattern RECOVERED = Pattern.compile("(.+)\\+r([1-9][0-9]{0,8})");

	/**
	 * Read a file name.
	 * @param fileName the file name
	 * @return the message name and recovery count; a name without a count was never recovered
	 */
	static MessageFile parse(String fileName) {
		Matcher matcher = RECOVERED.matcher(fileName);
		if (matcher.matches()) {
			return new MessageFile(matcher.group(1), Integer.parseInt(matcher.group(2)));
		}
		return new MessageFile(fileName, 0);
	}

	/**
	 * Return the file name.
	 * @return the message name, with the recovery count if there is one
	 */
	String fileName() {
		return (this.recoveries > 0) ? this.name + "+r" + this.recoveries : this.name;
	}

	/**
	 * Return the same message recovered once more.
	 * @return the file with the count increased
	 */
	MessageFile recovered() {
		return new MessageFile(this.name, this.recoveries + 1);
	}

	/**
	 * Return a variant of this file for when its name is taken.
	 * @param variant {@code 1} for this file, {@code 2} and up for {@code <name>+<variant>}
	 * @return the file under the variant name, with the same count
	 */
	MessageFile variant(int variant) {
		return (variant == 1) ? this : new MessageFile(this.name + "+" + variant, this.recoveries);
	}

}
