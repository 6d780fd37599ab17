package dev.butler.standard.text;

import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;

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
		String[] parts = format.split(";");
		String type = parts[0].trim();
		if (!type.equalsIgnoreCase(MIME_TYPE)) {
			throw new IllegalArgumentException("only '" + MIME_TYPE + "' is supported, got '" + type + "'");
		}
		Charset charset = StandardCharsets.US_ASCII;
		CodingErrorAction errors = CodingErrorAction.REPORT;
		for (int i = 1; i < parts.length; i++) {
			if (parts[i].isBlank()) {
				continue;
			}
			int equals = parts[i].indexOf('=');
			String name = ((equals < 0) ? parts[i] : parts[i].substring(0, equals)).trim().toLowerCase(Locale.ROOT);
			String value = (equals < 0) ? "" : unquote(parts[i].substring(equals + 1).trim());
			switch (name) {
				case "charset" -> charset = charset(value);
				case "errors" -> errors = errors(value);
				default -> throw new IllegalArgumentException(
						"unknown MIME parameter '" + name + "', only 'charset' and 'errors' are supported");
			}
		}
		return new TextFormat(charset, errors);
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
		throw new IllegalArgumentException("unknown charset '" + name + "'");
	}

	private static CodingErrorAction errors(String name) {
		return switch (name.toLowerCase(Locale.ROOT)) {
			case "strict" -> CodingErrorAction.REPORT;
			case "ignore" -> CodingErrorAction.IGNORE;
			case "replace" -> CodingErrorAction.REPLACE;
			default -> throw new IllegalArgumentException(
					"unsupported errors handler '" + name + "', expected strict, ignore or replace");
		};
	}

}
