package dev.butler.standard.text;

import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A {@code text/plain} data or file format, as Saturnin's text services read it: the MIME type must
 * be {@code text/plain}, and only the parameters {@code charset} (default {@code ascii}, as in
 * Saturnin and RFC 2046) and {@code errors} (Python's error handlers {@code strict} (the default),
 * {@code ignore} and {@code replace}) are allowed, e.g.
 * {@code text/plain;charset=utf-8;errors=replace}. Charset names are Java's or Python's
 * ({@code utf_8}, {@code latin_1}, …).
 *
 * @param charset the character set
 * @param errors what to do with bytes or characters the charset cannot code
 */
record TextFormat(Charset charset, CodingErrorAction errors) {

	/** The MIME type of text. */
	static final String MIME_TYPE = "text/plain";

	/** The most characters of a format quoted in a message. */
	private static final int MAX_QUOTED = 100;

	/**
	 * Parse a format.
	 * @param format the MIME type with its parameters
	 * @return the format
	 * @throws IllegalArgumentException saying what is wrong with it
	 */
	static TextFormat parse(String format) {
		if (format == null || format.isBlank()) {
			throw new IllegalArgumentException("no format given, expected " + MIME_TYPE);
		}
		String[] parts = format.split(";", -1);
		String type = parts[0].trim();
		if (type.isEmpty()) {
			throw new IllegalArgumentException("no MIME type before ';', expected " + MIME_TYPE);
		}
		if (!type.equalsIgnoreCase(MIME_TYPE)) {
			throw new IllegalArgumentException("only '" + MIME_TYPE + "' is supported, got " + quote(type));
		}
		Charset charset = StandardCharsets.US_ASCII;
		CodingErrorAction errors = CodingErrorAction.REPORT;
		Set<String> given = new HashSet<>();
		for (int i = 1; i < parts.length; i++) {
			String parameter = parts[i].trim();
			if (parameter.isEmpty()) {
				continue;
			}
			int equals = parameter.indexOf('=');
			String name = ((equals < 0) ? parameter : parameter.substring(0, equals)).trim().toLowerCase(Locale.ROOT);
			if (!name.equals("charset") && !name.equals("errors")) {
				throw new IllegalArgumentException(
						"unknown MIME parameter " + quote(name) + ", only 'charset' and 'errors' are supported");
			}
			String value = (equals < 0) ? "" : unquote(parameter.substring(equals + 1).trim());
			if (value.isBlank()) {
				throw new IllegalArgumentException("MIME parameter '" + name + "' has no value");
			}
			if (!given.add(name)) {
				throw new IllegalArgumentException("MIME parameter '" + name + "' is given twice");
			}
			if (name.equals("charset")) {
				charset = charset(value);
			}
			else {
				errors = errors(value);
			}
		}
		return new TextFormat(charset, errors);
	}

	/**
	 * Check that text can be encoded in this format, as a format to write must.
	 * @return this format
	 * @throws IllegalArgumentException if the charset can only decode, e.g. {@code ISO-2022-CN}
	 */
	TextFormat requireEncoding() {
		if (!this.charset.canEncode()) {
			throw new IllegalArgumentException("charset '" + this.charset.name() + "' can only decode, not encode");
		}
		return this;
	}

	/**
	 * Return a new decoder that applies {@link #errors()} to malformed and unmappable input.
	 * @return the decoder
	 */
	CharsetDecoder newDecoder() {
		return this.charset.newDecoder().onMalformedInput(this.errors).onUnmappableCharacter(this.errors);
	}

	/**
	 * Return a new encoder that applies {@link #errors()} to characters it cannot encode.
	 * @return the encoder
	 */
	CharsetEncoder newEncoder() {
		return this.charset.newEncoder().onMalformedInput(this.errors).onUnmappableCharacter(this.errors);
	}

	private static String unquote(String value) {
		return (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\""))
				? value.substring(1, value.length() - 1) : value;
	}

	/**
	 * Quote a part of a format for a message, shortened if it is long: a client's format may be
	 * anything, and the message goes back to it in CLOSE.
	 */
	static String quote(String text) {
		return (text.length() <= MAX_QUOTED) ? "'" + text + "'"
				: "'" + text.substring(0, MAX_QUOTED) + "…' (" + text.length() + " characters)";
	}

	private static Charset charset(String name) {
		// Python's codec names differ from Java's: utf_8, latin_1, utf_16_le, …
		String[] candidates = { name, name.replace('_', '-'), name.replace("_", "").replace("-", ""),
				name.replaceAll("(?i)[-_](le|be)$", "$1").replace('_', '-') };
		for (String candidate : candidates) {
			try {
				return Charset.forName(candidate);
			}
			catch (IllegalCharsetNameException | UnsupportedCharsetException ex) {
				// try the next spelling
			}
		}
		throw new IllegalArgumentException("unknown charset " + quote(name));
	}

	private static CodingErrorAction errors(String name) {
		return switch (name.toLowerCase(Locale.ROOT)) {
			case "strict" -> CodingErrorAction.REPORT;
			case "ignore" -> CodingErrorAction.IGNORE;
			case "replace" -> CodingErrorAction.REPLACE;
			default -> throw new IllegalArgumentException(
					"unsupported errors handler " + quote(name) + ", expected strict, ignore or replace");
		};
	}

}
