package dev.butler.standard.binary;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;

import org.springframework.util.MimeType;

import dev.butler.pipe.DataProducerService;
import dev.butler.pipe.PipeException;
import dev.butler.protocol.VendorUids;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.ButlerService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;

/**
 * Saturnin's binary reader ({@code saturnin.binary.reader}): sends the blocks of a file, or of the
 * standard input, into its data pipe, one block per DATA message, and closes the pipe with OK at the
 * end of the file.
 * <p>
 * With a positive {@code block_size} every block has that many bytes, the last one fewer. With
 * {@code block_size=-1} the file holds each block after its length, a 4-byte unsigned big-endian
 * integer, as {@link BinaryWriterService} writes it with {@code file_type=block}; a file that ends
 * inside a length or a block closes the pipe with INVALID_DATA.
 * <p>
 * The file is opened when the service starts, so a missing file fails start-up, and closed when it
 * stops. A bound reader that outlives its pipe ({@code stop_on_close=false}) sends the whole file
 * again to its next client. It serves clients whose data format is its {@code pipe_format},
 * {@code application/octet-stream} when none is set; other clients are refused with
 * DATA_FORMAT_NOT_SUPPORTED.
 */
@ButlerService(uid = "3db461de-f32e-5514-910d-7d021a2436a5", name = BinaryReaderService.AGENT_NAME,
		version = "0.1.1", vendor = VendorUids.SATURNIN_UID, classification = "binary/reader",
		description = "Binary data reader microservice")
public class BinaryReaderService extends DataProducerService<BinaryReaderService.Config> {

	/** Agent name of the service, for {@code butler.services.<id>.agent}. */
	public static final String AGENT_NAME = "saturnin.binary.reader";

	/** The {@code filename} that reads the standard input instead of a file. */
	public static final String STDIN = "stdin";

	private static final int BUFFER_SIZE = 64 * 1024;

	private Config config;

	private ServiceContext context;

	private MimeType format;

	private @Nullable InputStream input;

	/** The open file, {@code null} when reading the standard input. */
	private @Nullable FileChannel file;

	/** Bytes read from the input since it was opened or rewound. */
	private long offset;

	@Override
	protected void prepare(Config config, ServiceContext context) {
		this.config = config;
		this.context = context;
	}

	@Override
	public void acquireResources() {
		this.format = PipeFormats.serviceFormat(pipe().options(), this.context);
		this.offset = 0;
		if (isStdin()) {
			this.input = System.in;
			return;
		}
		this.file = open(this.config.filename());
		this.input = new BufferedInputStream(Channels.newInputStream(this.file), BUFFER_SIZE);
	}

	private FileChannel open(String filename) {
		String property = this.context.propertyName("filename");
		try {
			Path path = Path.of(filename);
			if (Files.isDirectory(path)) {
				throw new ServiceConfigurationException(property, filename, "a directory, not a file");
			}
			return FileChannel.open(path, StandardOpenOption.READ);
		}
		catch (NoSuchFileException ex) {
			throw new ServiceConfigurationException(property, filename, "no such file", ex);
		}
		catch (IOException | InvalidPathException ex) {
			throw new ServiceConfigurationException(property, filename, "cannot be read (" + ex + ")", ex);
		}
	}

	@Override
	protected void acceptClient(String dataFormat) {
		MimeType requested = PipeFormats.clientFormat(dataFormat);
		boolean sameParameters = this.format.getParameters().isEmpty() || this.format.equals(requested);
		if (!this.format.equalsTypeAndSubtype(requested) || !sameParameters) {
			throw new PipeException(FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED,
					"Data format '" + dataFormat + "' is not supported: this binary reader sends '" + this.format + "'");
		}
		FileChannel current = this.file;
		if (current != null && this.offset > 0) {
			rewind(current);
		}
	}

	private void rewind(FileChannel file) {
		try {
			file.position(0);
		}
		catch (IOException ex) {
			throw new PipeException(FbdpErrorCode.ERROR, "Could not rewind " + source() + ": " + ex.getMessage());
		}
		this.input = new BufferedInputStream(Channels.newInputStream(file), BUFFER_SIZE);
		this.offset = 0;
	}

	@Override
	protected byte @Nullable [] produceData() {
		try {
			return (this.config.blockSize() > 0) ? readBlock(this.config.blockSize()) : readPrefixedBlock();
		}
		catch (IOException ex) {
			throw new PipeException(FbdpErrorCode.ERROR, "Could not read " + source() + ": " + ex.getMessage());
		}
	}

	private byte @Nullable [] readBlock(int blockSize) throws IOException {
		byte[] block = input().readNBytes(blockSize);
		this.offset += block.length;
		return (block.length > 0) ? block : null;
	}

	private byte @Nullable [] readPrefixedBlock() throws IOException {
		long at = this.offset;
		byte[] prefix = input().readNBytes(BlockFormat.PREFIX_BYTES);
		this.offset += prefix.length;
		if (prefix.length == 0) {
			return null;
		}
		if (prefix.length < BlockFormat.PREFIX_BYTES) {
			throw invalidData("Truncated length prefix at byte " + at + " of " + source() + ": " + prefix.length
					+ " of " + BlockFormat.PREFIX_BYTES + " bytes");
		}
		long length = BlockFormat.length(prefix);
		if (length > BlockFormat.MAX_BLOCK_BYTES) {
			throw invalidData("Block at byte " + at + " of " + source() + " announces " + length
					+ " bytes, more than a DATA message can carry");
		}
		if (this.file != null && length > this.file.size() - this.offset) {
			throw truncatedBlock(at, length, this.file.size() - this.offset);
		}
		byte[] block = input().readNBytes((int) length);
		this.offset += block.length;
		if (block.length < length) {
			throw truncatedBlock(at, length, block.length);
		}
		return block;
	}

	private PipeException truncatedBlock(long at, long length, long available) {
		return invalidData("Truncated block at byte " + at + " of " + source() + ": its length prefix announces "
				+ length + " bytes, but only " + available + " follow");
	}

	private static PipeException invalidData(String message) {
		return new PipeException(FbdpErrorCode.INVALID_DATA, message);
	}

	@Override
	public void releaseResources() throws IOException {
		InputStream input = this.input;
		boolean ownInput = this.file != null;
		this.input = null;
		this.file = null;
		if (ownInput && input != null) {
			input.close();
		}
	}

	/**
	 * Return the input of the current run, between acquireResources and releaseResources.
	 */
	private InputStream input() {
		InputStream current = this.input;
		if (current == null) {
			throw new IllegalStateException("Binary reader '" + this.context.serviceId() + "' has no input open");
		}
		return current;
	}

	private boolean isStdin() {
		return STDIN.equalsIgnoreCase(this.config.filename());
	}

	private String source() {
		return isStdin() ? STDIN : "'" + this.config.filename() + "'";
	}

	/**
	 * Options of the binary reader, with Saturnin's names, beside the pipe options.
	 *
	 * @param filename File to read, or {@code stdin} for the standard input
	 * @param blockSize Size of the blocks in bytes, or -1 when the file holds each block after its
	 * length (a 4-byte unsigned big-endian integer)
	 */
	public record Config(
			@NotBlank @Pattern(regexp = "(?is)(?!(stdout|stderr)$).*", message = "a binary reader reads a file or 'stdin'") String filename,
			@NotNull @BlockSize Integer blockSize) {
	}

}
