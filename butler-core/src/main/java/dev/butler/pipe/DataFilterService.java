package dev.butler.pipe;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

/**
 * Base class of a microservice that reads data from an input pipe and writes what it makes of it to
 * an output pipe, like Saturnin's {@code DataFilterMicro}: implement {@link #acceptData(byte[])} and
 * hand results to {@link #emit(byte[])}. The options of both pipes ({@link FilterPipeOptions}:
 * {@code input_pipe}, {@code input_pipe_address}, …, {@code output_pipe}, …,
 * {@code propagate_input_error}) are bound from the service's own prefix, beside its configuration
 * of type {@code C}.
 * <p>
 * Emitted data waits in a queue until the output pipe takes it; the input pipe takes a new batch
 * only while the queue holds no more than one output batch, so a slow consumer slows the producer
 * down instead of filling memory. When the input closes normally, {@link #finishInput()} may emit a
 * last result, the queue is delivered and the output closes with OK. An input closed with an error
 * closes the output with the same code (unless {@code propagate_input_error} is off), and an output
 * closed by its consumer closes the input. The service stops when both pipes are closed.
 *
 * @param <C> the type of the service's own configuration, {@link Void} for none
 */
public abstract class DataFilterService<C extends @Nullable Object> implements MicroService<C> {

	/** Name of the input pipe's channel and endpoint, as in Saturnin. */
	public static final String INPUT_PIPE_CHANNEL = "input-pipe";

	/** Name of the output pipe's channel and endpoint, as in Saturnin. */
	public static final String OUTPUT_PIPE_CHANNEL = "output-pipe";

	private final Deque<byte[]> output = new ArrayDeque<>();

	private ServiceContext context;

	private FilterPipeOptions options;

	private DataPipe inputPipe;

	private DataPipe outputPipe;

	private boolean inputEnded;

	private boolean outputEnded;

	private boolean stopping;

	/**
	 * Declare the options of both pipes, bound from the service's prefix. Override and add to them
	 * to read further option types.
	 */
	@Override
	public List<Class<?>> optionTypes() {
		return List.of(FilterPipeOptions.class);
	}

	@Override
	public final void initialize(C config, ServiceContext context) throws Exception {
		this.context = context;
		this.options = context.options(FilterPipeOptions.class);
		this.output.clear();
		this.inputEnded = false;
		this.outputEnded = false;
		this.stopping = false;
		prepare(config, context);
		this.inputPipe = new DataPipe(context, INPUT_PIPE_CHANNEL, PipeRole.CONSUMER, this.options.input(),
				new InputHandler());
		this.outputPipe = new DataPipe(context, OUTPUT_PIPE_CHANNEL, PipeRole.PRODUCER, this.options.output(),
				new OutputHandler());
	}

	/**
	 * Verify the configuration and prepare the service, as {@link MicroService#initialize} does;
	 * called before the pipes are created.
	 * @param config the service's own configuration
	 * @param context the service context
	 * @throws Exception if the service cannot be initialized
	 */
	protected void prepare(C config, ServiceContext context) throws Exception {
	}

	/**
	 * A client opened the bound input pipe. Throw {@link PipeException} with
	 * {@code DATA_FORMAT_NOT_SUPPORTED} to refuse its data format.
	 * @param dataFormat the data format the client sends
	 * @throws Exception to refuse the client
	 */
	protected void acceptInputClient(String dataFormat) throws Exception {
	}

	/**
	 * A client opened the bound output pipe. Throw {@link PipeException} with
	 * {@code DATA_FORMAT_NOT_SUPPORTED} to refuse its data format.
	 * @param dataFormat the data format the client wants
	 * @throws Exception to refuse the client
	 */
	protected void acceptOutputClient(String dataFormat) throws Exception {
	}

	/**
	 * Whether the service can take input now, besides room in the output queue, e.g. not before it
	 * knows the output format; {@code false} answers READY(0) on the input pipe. Call
	 * {@code inputPipe().resume()} when it becomes ready.
	 * @return {@code true} if ready
	 */
	protected boolean isInputReady() {
		return true;
	}

	/**
	 * Process the payload of a DATA message from the input pipe, calling {@link #emit(byte[])} for
	 * each result, any number of times.
	 * @param data the payload
	 * @throws Exception to close the input pipe with an error ({@link PipeException} chooses the code)
	 */
	protected abstract void acceptData(byte[] data) throws Exception;

	/**
	 * The input pipe closed normally: emit what is still held back, e.g. an unfinished last line.
	 * @throws Exception to close the output pipe with an error
	 */
	protected void finishInput() throws Exception {
	}

	/**
	 * Queue a result for the output pipe.
	 * @param data the payload of one DATA message
	 */
	protected final void emit(byte[] data) {
		this.output.add(data);
		this.outputPipe.resume();
	}

	/**
	 * Return the input pipe of the current run.
	 * @return the input pipe
	 */
	protected final DataPipe inputPipe() {
		return this.inputPipe;
	}

	/**
	 * Return the output pipe of the current run.
	 * @return the output pipe
	 */
	protected final DataPipe outputPipe() {
		return this.outputPipe;
	}

	private boolean hasRoom() {
		return this.output.size() <= this.options.outputBatchSize();
	}

	private void inputClosed(DataPipe pipe) {
		FbdpErrorCode code = pipe.closeCode();
		if (code == FbdpErrorCode.OK) {
			// Still "not ended" while finishInput() emits: each emit may send at once, and the
			// output must not close on an empty queue before the last result is queued.
			try {
				finishInput();
			}
			catch (Exception ex) {
				closeOutput(FbdpErrorCode.ERROR, ex.getClass().getSimpleName() + ": " + ex.getMessage());
			}
		}
		this.inputEnded = true;
		if (code != null && code != FbdpErrorCode.OK && this.options.propagateInputError()) {
			this.output.clear();
			closeOutput(code, describe(pipe));
		}
		this.outputPipe.resume();
		stopWhenBothClosed();
	}

	private void closeOutput(FbdpErrorCode code, String reason) {
		if (this.outputPipe.state() == PipeState.OPEN || this.outputPipe.state() == PipeState.TRANSMITTING) {
			this.outputPipe.close(code, reason);
		}
		else {
			this.outputEnded = true;
		}
	}

	private void outputClosed(DataPipe pipe) {
		this.outputEnded = true;
		FbdpErrorCode code = pipe.closeCode();
		if (!this.inputEnded) {
			if (code != null
					&& (this.inputPipe.state() == PipeState.OPEN || this.inputPipe.state() == PipeState.TRANSMITTING)) {
				this.inputPipe.close(code, describe(pipe));
			}
			this.inputEnded = true;
		}
		stopWhenBothClosed();
	}

	private void stopWhenBothClosed() {
		if (!this.inputEnded || !this.outputEnded || this.stopping) {
			return;
		}
		this.stopping = true;
		for (DataPipe pipe : List.of(this.inputPipe, this.outputPipe)) {
			if (pipe.closeCode() != null && pipe.closeCode() != FbdpErrorCode.OK) {
				this.context.stop(List.of(describe(pipe)));
				return;
			}
		}
		this.context.stop();
	}

	private static String describe(DataPipe pipe) {
		return "Data pipe '" + pipe.options().pipe() + "' closed with " + pipe.closeCode()
				+ (pipe.closeDetails().isEmpty() ? "" : ": " + String.join("; ", pipe.closeDetails()));
	}

	private final class InputHandler implements PipeHandler {

		@Override
		public void opened(DataPipe pipe, String dataFormat) throws Exception {
			acceptInputClient(dataFormat);
		}

		@Override
		public boolean isReady(DataPipe pipe) {
			return hasRoom() && isInputReady();
		}

		@Override
		public void accept(DataPipe pipe, byte[] payload) throws Exception {
			acceptData(payload);
		}

		@Override
		public void closed(DataPipe pipe) {
			inputClosed(pipe);
		}

	}

	private final class OutputHandler implements PipeHandler {

		@Override
		public void opened(DataPipe pipe, String dataFormat) throws Exception {
			acceptOutputClient(dataFormat);
		}

		@Override
		public byte @Nullable [] produce(DataPipe pipe) {
			byte[] next = DataFilterService.this.output.poll();
			if (next != null) {
				if (hasRoom()) {
					DataFilterService.this.inputPipe.resume();
				}
				return next;
			}
			return DataFilterService.this.inputEnded ? null : NO_DATA_YET;
		}

		@Override
		public void closed(DataPipe pipe) {
			outputClosed(pipe);
		}

	}

}
