package dev.butler.standard.binary;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.Locale;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.MimeType;

import dev.butler.pipe.DataConsumerService;
import dev.butler.pipe.DataPipe;
import dev.butler.pipe.PipeException;
import dev.butler.protocol.VendorUids;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.ButlerService;
import dev.butler.service.ServiceContext;
import dev.butler.standard.file.FileOpenMode;
import dev.butler.standard.file.StandardStreamMode;

/**
 * Saturnin's binary writer ({@code saturnin.binary.writer}): writes the data of its data pipe into
 * a file, or to the standard output or error.
 * <p>
 * With {@code file_type=stream} the payloads of the DATA messages are written one after the other;
 * with {@code file_type=block} each one follows its length, a 4-byte unsigned big-endian integer, so
 * that {@link BinaryReaderService} with {@code block_size=-1} sends the same payloads again.
 * {@code file_mode} says what to do with an existing file: {@code write} truncates it, {@code create}
 * refuses to start, {@code append} adds to it, and {@code rename} renames it first to
 * {@code <filename>.1}, or {@code .2} and so on, whichever is free.
 * <p>
 * The file is opened when the service starts, so a file that cannot be written fails start-up, and
 * closed when it stops; a bound writer that outlives its pipe ({@code stop_on_close=false}) adds
 * what its next client sends to the same file. Written data is flushed and forced to the storage
 * device when the pipe closes and when the service stops. A bound writer takes clients whose data
 * format has the MIME type of its {@code pipe_format}, {@code application/octet-stream} when none is
 * set, whatever their parameters; other clients are refused with DATA_FORMAT_NOT_SUPPORTED.
 */
@ButlerService(uid = "7808ca4f-45fa-507f-acbc-cb6acfe6dba3", name = BinaryWriterService.AGENT_NAME,
		version = "0.1.1", vendor = VendorUids.SATURNIN_UID, classification = "binary/writer",
		description = "Binary data writer microservice")
public class BinaryWriterService extends DataConsumerService<BinaryWriterService.Config> {

	/** Agent name of the service, for {@code butler.services.<id>.agent}. */
	public static final String AGENT_NAME = "saturnin.binary.writer";

	/** The {@code filename} that writes to the standard output instead of a file. */
	public static final String STDOUT = "stdout";

	/** The {@code filename} that writes to the standard error instead of a file. */
	public static final String STDERR = "stderr";

	private static final Log logger = LogFactory.getLog(BinaryWriterService.class);

	private static final int BUFFER_SIZE = 64 * 1024;

	private Config config;

	private ServiceContext context;

	private MimeType format;

	private @Nullable OutputStream output;

	/** The open file, {@code null} when writing to the standard output or error. */
	private @Nullable FileChannel file;

	@Override
	protected void prepare(Config config, ServiceContext context) {
		this.config = config;
		this.context = context;
	}

	@Override
	public void acquireResources() {
		this.format = PipeFormats.serviceFormat(pipe().options(), this.context);
		String filename = this.config.filename();
		if (isStandardStream()) {
			this.output = filename.equalsIgnoreCase(STDOUT) ? System.out : System.err;
			return;
		}
		this.file = this.config.fileMode().openOutput(filename, this.context.propertyName("filename"));
		this.output = new BufferedOutputStream(Channels.newOutputStream(this.file), BUFFER_SIZE);
	}

	@Override
	protected void acceptClient(String dataFormat) {
		MimeType offered = PipeFormats.clientFormat(dataFormat);
		if (!this.format.equalsTypeAndSubtype(offered)) {
			throw new PipeException(FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED, "MIME type '" + offered.getType() + "/"
					+ offered.getSubtype() + "' is not supported: this binary writer takes '"
					+ this.format.getType() + "/" + this.format.getSubtype() + "'");
		}
	}

	@Override
	protected void acceptData(byte[] data) {
		try {
			OutputStream current = output();
			if (this.config.fileType() == FileType.BLOCK) {
				current.write(BlockFormat.prefix(data.length));
			}
			current.write(data);
		}
		catch (IOException ex) {
			throw new PipeException(FbdpErrorCode.ERROR, "Could not write to " + target() + ": " + ex.getMessage());
		}
	}

	@Override
	protected void pipeClosed(DataPipe pipe) {
		try {
			sync();
		}
		catch (IOException ex) {
			logger.warn("Binary writer '" + this.context.serviceId() + "' could not flush " + target(), ex);
		}
	}

	@Override
	public void releaseResources() throws IOException {
		OutputStream output = this.output;
		if (output == null) {
			return;
		}
		try {
			sync();
		}
		finally {
			this.output = null;
			if (this.file != null) {
				this.file = null;
				output.close();
			}
		}
	}

	/**
	 * Flush what is buffered and force it to the storage device.
	 */
	private void sync() throws IOException {
		if (this.output == null) {
			return;
		}
		this.output.flush();
		if (this.file != null) {
			this.file.force(true);
		}
		else if (this.output instanceof PrintStream stream && stream.checkError()) {
			throw new IOException("Writing to " + target() + " failed");
		}
	}

	/**
	 * Return the output of the current run, between acquireResources and releaseResources.
	 */
	private OutputStream output() {
		OutputStream current = this.output;
		if (current == null) {
			throw new IllegalStateException("Binary writer '" + this.context.serviceId() + "' has no output open");
		}
		return current;
	}

	private boolean isStandardStream() {
		String filename = this.config.filename();
		return filename.equalsIgnoreCase(STDOUT) || filename.equalsIgnoreCase(STDERR);
	}

	private String target() {
		return isStandardStream() ? this.config.filename().toLowerCase(Locale.ROOT) : "'" + this.config.filename() + "'";
	}

	/**
	 * Options of the binary writer, with Saturnin's names, beside the pipe options.
	 *
	 * @param filename File to write, or {@code stdout} or {@code stderr}
	 * @param fileMode What to do with an existing file
	 * @param fileType Whether to write the payloads one after the other or each after its length
	 */
	@StandardStreamMode
	public record Config(
			@NotBlank @Pattern(regexp = "(?is)(?!stdin$).*", message = "a binary writer writes a file, 'stdout' or 'stderr'") String filename,
			@DefaultValue("WRITE") @NotNull FileOpenMode fileMode, @NotNull FileType fileType) {
	}

	/**
	 * How the writer stores the payloads, Saturnin's {@code FileStorageType}.
	 */
	public enum FileType {

		/** One after the other. */
		STREAM,

		/** Each after its length, a 4-byte unsigned big-endian integer. */
		BLOCK

	}

}
