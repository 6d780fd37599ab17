package dev.butler.standard.text;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.butler.pipe.DataConsumerService;
import dev.butler.pipe.DataPipe;
import dev.butler.pipe.PipeException;
import dev.butler.pipe.PipeMode;
import dev.butler.pipe.PipeOptions;
import dev.butler.protocol.VendorUids;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.ButlerService;
import dev.butler.service.ServiceContext;

/**
 * Saturnin's text writer ({@code saturnin.text.writer}): writes the text received from a data pipe
 * to a file, or to the standard output or error. The text is decoded in the pipe's charset and
 * written in the file's.
 * <p>
 * The pipe's data format must be {@code text/plain} (with {@code charset}, default {@code ascii},
 * and {@code errors}): a client that sends another is refused with
 * {@code DATA_FORMAT_NOT_SUPPORTED}. (Saturnin also accepts {@code application/x.fb.proto} and
 * prints the messages; this implementation does not.) Text that cannot be decoded or encoded closes
 * the pipe with {@code INVALID_DATA}. A character split between two DATA messages is decoded whole.
 * <p>
 * The file is opened according to {@code file_mode} when the service starts, so an existing file in
 * {@code create} mode fails the start-up; missing directories are created. It is closed when the
 * service stops, so a bound writer that outlives its pipe ({@code stop_on_close=false}) adds what its
 * next client sends to the same file, as the binary writer does. (Saturnin opens the file again for
 * each client.) The file is flushed and forced to the storage device when the pipe closes and when
 * the service stops. If the data ends inside a character, or the file cannot be flushed, the service
 * ends with outcome ERROR.
 */
@ButlerService(uid = "4e606fdf-3fa9-5d18-a714-9448a8085aab", name = "saturnin.text.writer", version = "0.2.1",
		vendor = VendorUids.SATURNIN_UID, classification = "text/writer",
		description = "Text writer microservice")
public class TextWriterService extends DataConsumerService<TextWriterConfig> {

	private ServiceContext context;

	private TextWriterConfig config;

	private TextFormat fileFormat;

	private @Nullable TextDecoder decoder;

	private @Nullable Writer file;

	private @Nullable FileChannel channel;

	@Override
	public Map<String, Object> optionDefaults() {
		return TextSupport.PIPE_DEFAULTS;
	}

	@Override
	protected void prepare(TextWriterConfig config, ServiceContext context) {
		this.context = context;
		this.config = config;
		this.fileFormat = TextFormat.parse(config.fileFormat());
		this.decoder = null;
		PipeOptions pipeOptions = context.options(PipeOptions.class);
		if (pipeOptions.pipeFormat() != null) {
			TextFormat pipeFormat = TextSupport.configuredFormat(context, "pipe-format", pipeOptions.pipeFormat());
			if (pipeOptions.pipeMode() == PipeMode.CONNECT) {
				this.decoder = new TextDecoder(pipeFormat);
			}
		}
	}

	@Override
	public void acquireResources() {
		openFile();
	}

	@Override
	public void releaseResources() throws IOException {
		List<String> problems = closeFile();
		if (!problems.isEmpty()) {
			throw new IOException(String.join("; ", problems));
		}
	}

	@Override
	protected void acceptClient(String dataFormat) {
		this.decoder = new TextDecoder(TextSupport.clientFormat(dataFormat));
	}

	@Override
	protected void acceptData(byte[] data) {
		if (this.file == null) {
			throw new PipeException(FbdpErrorCode.ERROR, "Output file '" + this.config.filename() + "' is closed");
		}
		CharSequence text = decoder().decode(data);
		try {
			this.file.append(text);
		}
		catch (CharacterCodingException ex) {
			throw new PipeException(FbdpErrorCode.INVALID_DATA, "The text cannot be written in "
					+ this.fileFormat.charset().name() + ": " + ex.getMessage());
		}
		catch (IOException ex) {
			throw new PipeException(FbdpErrorCode.ERROR, "Failed to write output file '" + this.config.filename()
					+ "': " + ex);
		}
	}

	@Override
	protected void pipeClosed(DataPipe pipe) {
		List<String> problems = sync(pipe.closeCode() == FbdpErrorCode.OK);
		if (!problems.isEmpty()) {
			this.context.stop(problems);
		}
	}

	private boolean isStandardOutput() {
		return TextSupport.isStandardStream(this.config.filename(), "stdout")
				|| TextSupport.isStandardStream(this.config.filename(), "stderr");
	}

	private void openFile() {
		OutputStream output;
		if (isStandardOutput()) {
			output = new UnclosedOutputStream(
					TextSupport.isStandardStream(this.config.filename(), "stdout") ? System.out : System.err);
		}
		else {
			this.channel = this.config.fileMode()
				.openOutput(this.config.filename(), this.context.propertyName("filename"));
			output = Channels.newOutputStream(this.channel);
		}
		this.file = new OutputStreamWriter(output, this.fileFormat.newEncoder());
	}

	/**
	 * Write what the decoder holds back if the data ended normally, then flush the file and force it
	 * to the storage device.
	 * @param complete whether the data ended normally, so an unfinished character is an error
	 * @return what went wrong, empty if nothing did
	 */
	private List<String> sync(boolean complete) {
		if (this.file == null) {
			return List.of();
		}
		List<String> problems = new ArrayList<>();
		try {
			if (complete && this.decoder != null) {
				this.file.append(this.decoder.finish());
			}
		}
		catch (PipeException | IOException ex) {
			problems.add("Output file '" + this.config.filename() + "' is incomplete: " + ex.getMessage());
		}
		try {
			this.file.flush();
			if (this.channel != null) {
				this.channel.force(true);
			}
		}
		catch (IOException ex) {
			problems.add("Failed to write output file '" + this.config.filename() + "': " + ex);
		}
		return problems;
	}

	/**
	 * Flush the file to the storage device and close it.
	 * @return what went wrong, empty if nothing did
	 */
	private List<String> closeFile() {
		List<String> problems = new ArrayList<>(sync(false));
		Writer file = this.file;
		FileChannel channel = this.channel;
		this.file = null;
		this.channel = null;
		if (file == null) {
			return problems;
		}
		try {
			file.close();
		}
		catch (IOException ex) {
			problems.add("Failed to close output file '" + this.config.filename() + "': " + ex);
		}
		finally {
			closeQuietly(channel);
		}
		return problems;
	}

	/**
	 * Return the decoder of the pipe's data format, known once the pipe is connected or a client
	 * opened it.
	 */
	private TextDecoder decoder() {
		TextDecoder current = this.decoder;
		if (current == null) {
			throw new IllegalStateException(
					"The data format of pipe '" + pipe().options().pipe() + "' is not known yet");
		}
		return current;
	}

	private static void closeQuietly(@Nullable FileChannel channel) {
		if (channel != null && channel.isOpen()) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// Already reported: the writer could not be closed.
			}
		}
	}

	/**
	 * The standard output or error, which closing the writer must only flush.
	 */
	private static final class UnclosedOutputStream extends FilterOutputStream {

		UnclosedOutputStream(OutputStream output) {
			super(output);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			this.out.write(bytes, offset, length);
		}

		@Override
		public void close() throws IOException {
			flush();
		}

	}

}
