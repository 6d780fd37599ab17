package dev.butler.standard.binary;

import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;
import org.springframework.util.StringUtils;

import dev.butler.pipe.PipeException;
import dev.butler.pipe.PipeOptions;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;

/**
 * The data formats of the binary services: their {@code pipe_format}, or
 * {@code application/octet-stream} when none is set, and the format a client names in OPEN.
 */
final class PipeFormats {

	private PipeFormats() {
	}

	/**
	 * Return the data format a service sends or takes: its {@code pipe_format}, or
	 * {@code application/octet-stream}.
	 * @param options the pipe options
	 * @param context the service context, to name the property at fault
	 * @return the data format
	 * @throws ServiceConfigurationException if {@code pipe_format} is not a MIME type
	 */
	static MimeType serviceFormat(PipeOptions options, ServiceContext context) {
		if (!StringUtils.hasText(options.pipeFormat())) {
			return MimeTypeUtils.APPLICATION_OCTET_STREAM;
		}
		try {
			return MimeTypeUtils.parseMimeType(options.pipeFormat());
		}
		catch (InvalidMimeTypeException ex) {
			throw new ServiceConfigurationException(context.propertyName("pipe-format"), options.pipeFormat(),
					"not a MIME type (" + ex.getMessage() + ")");
		}
	}

	/**
	 * Parse the data format a client named in OPEN.
	 * @param dataFormat the data format
	 * @return the data format as a MIME type
	 * @throws PipeException with {@code DATA_FORMAT_NOT_SUPPORTED} if it is not a MIME type
	 */
	static MimeType clientFormat(String dataFormat) {
		try {
			return MimeTypeUtils.parseMimeType(dataFormat);
		}
		catch (InvalidMimeTypeException ex) {
			throw new PipeException(FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED,
					"Data format '" + dataFormat + "' is not a MIME type");
		}
	}

}
