package dev.butler.pipe;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

/**
 * Base class of a microservice with one data pipe, like Saturnin's {@code onepipe} services: see
 * {@link DataProducerService} and {@link DataConsumerService}. The pipe options ({@code pipe},
 * {@code pipe_address}, {@code pipe_mode}, {@code pipe_format}, {@code batch_size},
 * {@code ready_schedule_interval}, {@code stop_on_close}, {@code peer_timeout}) are bound from the
 * service's own prefix, beside its configuration of type {@code C}, e.g.
 * {@code butler.services.reader.pipe-address}.
 *
 * @param <C> the type of the service's own configuration, {@link Void} for none
 */
public abstract class OnePipeService<C extends @Nullable Object> implements MicroService<C> {

	/** Name of the pipe's channel and endpoint, as in Saturnin. */
	public static final String PIPE_CHANNEL = "pipe";

	private final PipeRole role;

	private DataPipe pipe;

	OnePipeService(PipeRole role) {
		this.role = role;
	}

	@Override
	public final void initialize(C config, ServiceContext context) throws Exception {
		PipeOptions options = pipeOptions(context);
		prepare(config, context);
		this.pipe = new DataPipe(context, PIPE_CHANNEL, this.role, options, new PipeHandler() {

			@Override
			public void opened(DataPipe pipe, String dataFormat) throws Exception {
				acceptClient(dataFormat);
			}

			@Override
			public boolean isReady(DataPipe pipe) {
				return OnePipeService.this.isReady();
			}

			@Override
			public byte @Nullable [] produce(DataPipe pipe) throws Exception {
				return OnePipeService.this.produce();
			}

			@Override
			public void accept(DataPipe pipe, byte[] payload) throws Exception {
				OnePipeService.this.accept(payload);
			}

			@Override
			public void closed(DataPipe pipe) {
				pipeClosed(pipe);
			}

		});
	}

	/**
	 * Declare the pipe options, bound from the service's prefix. Override and add to them to read
	 * further option types; change a default with {@link #optionDefaults()}.
	 */
	@Override
	public List<Class<?>> optionTypes() {
		return List.of(PipeOptions.class);
	}

	/**
	 * Return the options of this run's pipe: by default those bound from the service's prefix. A
	 * service that gives its options in code overrides {@link #optionTypes()} too, without
	 * {@link PipeOptions}, as bound options are validated whether or not they are read.
	 * @param context the service context
	 * @return the pipe options
	 */
	protected PipeOptions pipeOptions(ServiceContext context) {
		return context.options(PipeOptions.class);
	}

	/**
	 * Verify the configuration and prepare the service, as {@link MicroService#initialize} does;
	 * called before the pipe is created.
	 * @param config the service's own configuration
	 * @param context the service context
	 * @throws Exception if the service cannot be initialized
	 */
	protected void prepare(C config, ServiceContext context) throws Exception {
	}

	/**
	 * A client opened the bound pipe. Throw {@link PipeException} with
	 * {@code DATA_FORMAT_NOT_SUPPORTED} to refuse its data format.
	 * @param dataFormat the data format the client named
	 * @throws Exception to refuse the client
	 */
	protected void acceptClient(String dataFormat) throws Exception {
	}

	/**
	 * Whether a batch can be given or taken now; {@code false} answers READY(0).
	 * @return {@code true} if ready
	 */
	protected boolean isReady() {
		return true;
	}

	/**
	 * The pipe closed, by either side; see {@link DataPipe#closeCode()}.
	 * @param pipe the pipe
	 */
	protected void pipeClosed(DataPipe pipe) {
	}

	/**
	 * Return the pipe of the current run.
	 * @return the pipe, {@code null} before the first {@link #initialize}
	 */
	protected final DataPipe pipe() {
		return this.pipe;
	}

	abstract byte @Nullable [] produce() throws Exception;

	abstract void accept(byte[] payload) throws Exception;

}
