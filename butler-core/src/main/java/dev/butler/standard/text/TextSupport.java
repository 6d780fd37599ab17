package dev.butler.standard.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.util.Locale;
import java.util.Map;

import dev.butler.pipe.PipeException;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;

/**
 * What the text services share: their pipe option defaults, format checks and special file names.
 */
final class TextSupport {

	/** Default {@code batch_size} of the text reader and writer, as in Saturnin (for 64K messages). */
	static final int DEFAULT_BATCH_SIZE = 5;

	private TextSupport() {
	}

	/** The text reader's and writer's defaults that differ from those of the pipe options. */
	static final Map<String, Object> PIPE_DEFAULTS = Map.of("batch-size", DEFAULT_BATCH_SIZE);

	/**
	 * Parse a format given in the configuration.
	 * @param context the service context
	 * @param option the option, e.g. {@code file-format}
	 * @param format its value
	 * @return the format
	 * @throws ServiceConfigurationException naming the property if it is not a text format
	 */
	static TextFormat configuredFormat(ServiceContext context, String option, String format) {
		try {
			return TextFormat.parse(format);
		}
		catch (IllegalArgumentException ex) {
			throw new ServiceConfigurationException(context.propertyName(option), format, messageOf(ex), ex);
		}
	}

	/**
	 * Parse a format given in the configuration that this service writes text in.
	 * @param context the service context
	 * @param option the option, e.g. {@code file-format}
	 * @param format its value
	 * @return the format
	 * @throws ServiceConfigurationException naming the property if it is not a text format or its
	 * charset cannot encode
	 */
	static TextFormat configuredWriteFormat(ServiceContext context, String option, String format) {
		try {
			return configuredFormat(context, option, format).requireEncoding();
		}
		catch (IllegalArgumentException ex) {
			throw new ServiceConfigurationException(context.propertyName(option), format, messageOf(ex), ex);
		}
	}

	/**
	 * Return why a format was refused.
	 * @param ex what {@link TextFormat} threw
	 * @return its message, or its type when it has none
	 */
	static String messageOf(IllegalArgumentException ex) {
		String message = ex.getMessage();
		return (message != null) ? message : ex.toString();
	}

	/**
	 * Parse the data format a pipe client named in OPEN, for reading text from the pipe.
	 * @param dataFormat the data format
	 * @return the format
	 * @throws PipeException with {@code DATA_FORMAT_NOT_SUPPORTED} if it is not a text format
	 */
	static TextFormat clientFormat(String dataFormat) {
		try {
			return TextFormat.parse(dataFormat);
		}
		catch (IllegalArgumentException ex) {
			throw unsupported(dataFormat, ex);
		}
	}

	/**
	 * Parse the data format a pipe client named in OPEN, for writing text into the pipe.
	 * @param dataFormat the data format
	 * @return an encoder of the format
	 * @throws PipeException with {@code DATA_FORMAT_NOT_SUPPORTED} if it is not a text format or
	 * its charset cannot encode
	 */
	static CharsetEncoder clientEncoder(String dataFormat) {
		try {
			return TextFormat.parse(dataFormat).requireEncoding().newEncoder();
		}
		catch (IllegalArgumentException ex) {
			throw unsupported(dataFormat, ex);
		}
	}

	private static PipeException unsupported(String dataFormat, IllegalArgumentException ex) {
		return new PipeException(FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED,
				"Data format " + TextFormat.quote(dataFormat) + " is not supported: " + ex.getMessage());
	}

	/**
	 * Encode text for a DATA message.
	 * @param encoder the encoder of the pipe's format
	 * @param text the text
	 * @return the bytes
	 * @throws PipeException with {@code INVALID_DATA} if the charset cannot encode the text
	 */
	static byte[] encode(CharsetEncoder encoder, CharSequence text) {
		try {
			ByteBuffer encoded = encoder.encode(CharBuffer.wrap(text));
			byte[] bytes = new byte[encoded.remaining()];
			encoded.get(bytes);
			return bytes;
		}
		catch (CharacterCodingException ex) {
			throw new PipeException(FbdpErrorCode.INVALID_DATA,
					"The text cannot be encoded in " + encoder.charset().name() + ": " + ex.getMessage());
		}
	}

	/**
	 * Whether a file name is one of the standard streams {@code stdin}, {@code stdout} or
	 * {@code stderr} (in any case), as in Saturnin.
	 * @param filename the file name
	 * @param stream the stream name, e.g. {@code stdout}
	 * @return {@code true} if it names that stream
	 */
	static boolean isStandardStream(String filename, String stream) {
		return filename.toLowerCase(Locale.ROOT).equals(stream);
	}

}
