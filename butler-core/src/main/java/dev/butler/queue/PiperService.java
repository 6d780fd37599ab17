package dev.butler.queue;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

/**
 * Base class of a pipe-like microservice over directory queues, like Mentat's piper daemons:
 * implement {@link #process(QueueMessage)}. The service claims each message of its input queue
 * ({@code queue_in_dir}), calls {@code process}, and then, by the returned {@link Disposition},
 * hands the message on to {@code queue_out_dir}, deletes it, or banishes it to {@code errors/}; an
 * exception banishes it once {@code max_attempts} are used up. Several instances, in one JVM or in
 * many, may consume one queue: each message is processed by one of them. Messages left claimed by a
 * process that died are taken back into the queue when the service starts, up to
 * {@code max_recoveries} times; then such a message is banished, as it may be what kills the
 * process. See {@link PiperOptions}.
 *
 * @param <C> the type of the service's own configuration, {@link Void} for none
 */
public abstract class PiperService<C extends @Nullable Object> implements MicroService<C> {

	/** Name of the input queue in {@code /actuator/butler} and metrics. */
	public static final String QUEUE_IN = "queue-in";

	private final QueueStatistics statistics = new QueueStatistics();

	/**
	 * Declare the piper options, bound from the service's prefix. Override and add to them to read
	 * further option types.
	 */
	@Override
	public List<Class<?>> optionTypes() {
		return List.of(PiperOptions.class);
	}

	@Override
	public final void initialize(C config, ServiceContext context) throws Exception {
		PiperOptions options = context.options(PiperOptions.class);
		options.validate(context);
		prepare(config, context);
		context.addResource(new QueueProcessor(QUEUE_IN, context, options, this::process, this.statistics));
	}

	/**
	 * Verify the configuration and prepare the service, as {@link MicroService#initialize} does.
	 * @param config the service's own configuration
	 * @param context the service context
	 * @throws Exception if the service cannot be initialized
	 */
	protected void prepare(C config, ServiceContext context) throws Exception {
	}

	/**
	 * Process a message. Runs on the service's thread, one message at a time.
	 * @param message the claimed message; read it with {@link QueueMessage#content()}
	 * @return what to do with it
	 * @throws Exception to have it processed again after {@code retry_wait}, or banished when
	 * {@code max_attempts} are used up
	 */
	protected abstract Disposition process(QueueMessage message) throws Exception;

}
