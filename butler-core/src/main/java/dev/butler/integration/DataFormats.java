package dev.butler.integration;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import dev.butler.pipe.PipeException;
import dev.butler.protocol.fbdp.FbdpErrorCode;

/**
 * Reads the charset of a pipe's data format, a MIME type such as {@code text/plain;charset=utf-8}.
 */
final class DataFormats {

	private DataFormats() {
	}

	/**
	 * Return the charset a data format names, UTF-8 if it names none.
	 * @param dataFormat the data format, may be {@code null}
	 * @return the charset
	 * @throws PipeException with {@link FbdpErrorCode#DATA_FORMAT_NOT_SUPPORTED} if the charset is
	 * not supported
	 */
	static Charset charset(@Nullable String dataFormat) {
		String name = null;
		if (dataFormat != null) {
			String[] parts = dataFormat.split(";");
			for (int i = 1; i < parts.length; i++) {
				int equals = parts[i].indexOf('=');
				if (equals > 0 && parts[i].substring(0, equals).trim().equalsIgnoreCase("charset")) {
					name = unquote(parts[i].substring(equals + 1).trim());
				}
			}
		}
		if (name == null || name.isEmpty()) {
			return StandardCharsets.UTF_8;
		}
		try {
			return Charset.forName(name);
		}
		catch (IllegalArgumentException ex) {
			throw new PipeException(FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED,
					"Data format '" + dataFormat + "' names charset '" + name + "', which is not supported");
		}
	}

	private static String unquote(String value) {
		return (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\""))
				? value.substring(1, value.length() - 1) : value;
	}

}
