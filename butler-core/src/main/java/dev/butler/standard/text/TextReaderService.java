package dev.butler.standard.text;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ResourceLoaderAware;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

import dev.butler.pipe.DataPipe;
import dev.butler.pipe.DataProducerService;
import dev.butler.pipe.PipeException;
import dev.butler.pipe.PipeMode;
import dev.butler.pipe.PipeOptions;
import dev.butler.protocol.VendorUids;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.ButlerService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;

/**
 * Saturnin's text reader ({@code saturnin.text.reader}): sends the text of a file, or of the
 * standard input, into a data pipe. Each DATA message carries the next block of at most
 * {@code max_chars} characters, read in the file's charset and encoded in the pipe's; the pipe
 * closes with OK at the end of the file. A character is never split between two messages.
 * <p>
 * The pipe's data format must be {@code text/plain} (with {@code charset}, default {@code ascii},
 * and {@code errors}): a client that asks for another is refused with
 * {@code DATA_FORMAT_NOT_SUPPORTED}. Text that cannot be decoded or encoded closes the pipe with
 * {@code INVALID_DATA}.
 * <p>
 * The file is opened when the service starts, so a missing file fails the start-up, and again for
 * each new client of a bound pipe (each client reads it from the start); it is closed when the pipe
 * closes. A {@code filename} that starts with {@code classpath:} names a resource on the class path.
 */
@ButlerService(uid = "936d2670-93d8-5c45-84a7-b8dbc799ad97", name = "saturnin.text.reader", version = "0.2.1",
		vendor = VendorUids.SATURNIN_UID, classification = "text/reader",
		description = "Text reader microservice")
public class TextReaderService extends DataProducerService<TextReaderConfig> implements ResourceLoaderAware {

	private ResourceLoader resourceLoader = new DefaultResourceLoader(TextReaderService.class.getClassLoader());

	private ServiceContext context;

	private TextReaderConfig config;

	private TextFormat fileFormat;

	private @Nullable CharsetEncoder pipeEncoder;

	private @Nullable Reader file;

	private char[] buffer;

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public Map<String, Object> optionDefaults() {
		return TextSupport.PIPE_DEFAULTS;
	}

	@Override
	protected void prepare(TextReaderConfig config, ServiceContext context) {
		this.context = context;
		this.config = config;
		this.fileFormat = TextFormat.parse(config.fileFormat());
		this.pipeEncoder = null;
		PipeOptions pipeOptions = context.options(PipeOptions.class);
		if (pipeOptions.pipeFormat() != null) {
			TextFormat pipeFormat = TextSupport.configuredWriteFormat(context, "pipe-format", pipeOptions.pipeFormat());
			if (pipeOptions.pipeMode() == PipeMode.CONNECT) {
				this.pipeEncoder = pipeFormat.newEncoder();
			}
		}
		// A block of max_chars code points takes up to twice as many chars.
		this.buffer = new char[2 * config.maxChars() + 1];
	}

	@Override
	public void acquireResources() {
		try {
			openFile();
		}
		catch (NoSuchFileException ex) {
			throw new ServiceConfigurationException(this.context.propertyName("filename"), this.config.filename(),
					"no such file", ex);
		}
		catch (IOException | InvalidPathException ex) {
			throw new ServiceConfigurationException(this.context.propertyName("filename"), this.config.filename(),
					"the file cannot be read (" + ex + ")", ex);
		}
	}

	@Override
	public void releaseResources() throws IOException {
		closeFile();
	}

	@Override
	protected void acceptClient(String dataFormat) {
		this.pipeEncoder = TextSupport.clientEncoder(dataFormat);
		if (this.file == null) {
			try {
				openFile();
			}
			catch (IOException ex) {
				throw new PipeException(FbdpErrorCode.ERROR, "Failed to open input file '" + this.config.filename()
						+ "': " + ex);
			}
		}
	}

	@Override
	protected byte @Nullable [] produceData() {
		Reader current = this.file;
		if (current == null) {
			return null;
		}
		int length;
		try {
			length = readBlock(current);
		}
		catch (CharacterCodingException ex) {
			throw new PipeException(FbdpErrorCode.INVALID_DATA, "File '" + this.config.filename()
					+ "' is not valid " + this.fileFormat.charset().name() + ": " + ex.getMessage());
		}
		catch (IOException ex) {
			throw new PipeException(FbdpErrorCode.ERROR, "Failed to read input file '" + this.config.filename()
					+ "': " + ex);
		}
		if (length == 0) {
			return null;
		}
		return TextSupport.encode(pipeEncoder(), CharBuffer.wrap(this.buffer, 0, length));
	}

	@Override
	protected void pipeClosed(DataPipe pipe) {
		try {
			closeFile();
		}
		catch (IOException ex) {
			// Nothing was written: nothing is lost.
		}
	}

	/**
	 * Return the encoder of the pipe's data format, known once the pipe is connected or a client
	 * opened it.
	 */
	private CharsetEncoder pipeEncoder() {
		CharsetEncoder encoder = this.pipeEncoder;
		if (encoder == null) {
			throw new IllegalStateException(
					"The data format of pipe '" + pipe().options().pipe() + "' is not known yet");
		}
		return encoder;
	}

	/**
	 * Read the next block of {@code max_chars} characters (code points, as Python counts them), or
	 * what is left of the file.
	 * @return the number of {@code char}s read
	 */
	private int readBlock(Reader file) throws IOException {
		int maxChars = this.config.maxChars();
		int length = 0;
		int codePoints = 0;
		while (codePoints < maxChars) {
			int read = fill(file, length, maxChars - codePoints);
			if (read == 0) {
				break;
			}
			codePoints += Character.codePointCount(this.buffer, length, read);
			length += read;
			if (Character.isHighSurrogate(this.buffer[length - 1])) {
				length += fill(file, length, 1);
			}
		}
		return length;
	}

	/**
	 * Read until {@code count} characters are in the buffer from {@code offset}, or the file ends.
	 */
	private int fill(Reader file, int offset, int count) throws IOException {
		int filled = 0;
		while (filled < count) {
			int read = file.read(this.buffer, offset + filled, count - filled);
			if (read < 0) {
				break;
			}
			filled += read;
		}
		return filled;
	}

	private void openFile() throws IOException {
		closeFile();
		String filename = this.config.filename();
		InputStream input;
		if (TextSupport.isStandardStream(filename, "stdin")) {
			input = new UnclosedInputStream(System.in);
		}
		else if (filename.startsWith(ResourceLoader.CLASSPATH_URL_PREFIX)) {
			Resource resource = this.resourceLoader.getResource(filename);
			if (!resource.exists()) {
				throw new NoSuchFileException(filename);
			}
			input = resource.getInputStream();
		}
		else {
			Path path = Path.of(filename);
			if (Files.isDirectory(path)) {
				throw new IOException("'" + filename + "' is a directory");
			}
			input = Files.newInputStream(path);
		}
		this.file = new InputStreamReader(input, this.fileFormat.newDecoder());
	}

	private void closeFile() throws IOException {
		Reader file = this.file;
		this.file = null;
		if (file != null) {
			file.close();
		}
	}

	/**
	 * The standard input, which closing the reader must leave open.
	 */
	private static final class UnclosedInputStream extends FilterInputStream {

		UnclosedInputStream(InputStream input) {
			super(input);
		}

		@Override
		public void close() {
		}

	}

}
