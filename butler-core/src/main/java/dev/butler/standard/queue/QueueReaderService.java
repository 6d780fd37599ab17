package dev.butler.standard.queue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

import dev.butler.pipe.DataPipe;
import dev.butler.pipe.DataProducerService;
import dev.butler.protocol.VendorUids;
import dev.butler.queue.PiperOptions;
import dev.butler.queue.QueuePermissions;
import dev.butler.queue.QueueStatistics;
import dev.butler.service.ButlerService;
import dev.butler.service.DurationRange;
import dev.butler.service.ServiceContext;

/**
 * Sends the messages of a directory queue into its data pipe ({@code butler.queue.reader}): claims
 * the messages of {@code queue_in_dir} in name order, as any consumer of the queue does, and sends
 * each as one DATA message. Several readers, or {@link dev.butler.queue.PiperService piper services},
 * may share the queue: each message goes to one of them.
 * <p>
 * A message is deleted once the peer has asked for the batch after the one that carried it, i.e.
 * has taken it, and when this side ends the data. When the pipe closes otherwise, or the service
 * stops, the messages sent but not acknowledged go back into {@code incoming/} to be sent again: a
 * message may arrive twice, but is not lost. Messages that consumers of ended processes left claimed
 * are taken back when the service starts, up to {@code max_recoveries} times each; then such a
 * message is banished to {@code errors/}.
 * <p>
 * When the queue is empty the reader waits for new messages, watching {@code incoming/} and also
 * looking every {@code queue_in_wait}; with {@code stop_when_empty} it ends the data with CLOSE(OK)
 * instead, so that a pipeline run from the command line finishes. A message that cannot be read is
 * moved to {@code errors/}. The reader serves any data format: it sends messages as they are.
 */
@ButlerService(oid = QueueReaderService.AGENT_OID, name = QueueReaderService.AGENT_NAME, version = "0.1.0",
		classification = "queue/reader", description = "Directory queue reader microservice")
public class QueueReaderService extends DataProducerService<QueueReaderService.Config> {

	/** Agent name of the service, for {@code butler.services.<id>.agent}. */
	public static final String AGENT_NAME = "butler.queue.reader";

	/** Agent OID of the service; its uid is {@code uuid5(NAMESPACE_OID, oid)}. */
	public static final String AGENT_OID = VendorUids.BUTLER_OID + ".1.2";

	/** Name of the queue in {@code /actuator/butler} and metrics. */
	public static final String QUEUE_IN = "queue-in";

	private final QueueStatistics statistics = new QueueStatistics();

	private QueueInput input;

	@Override
	protected void prepare(Config config, ServiceContext context) {
		this.input = new QueueInput(context, config, PiperOptions.permissions(config.queueInPerms()),
				this.statistics, this::pipe);
		context.addResource(this.input);
	}

	@Override
	protected byte @Nullable [] produceData() {
		return this.input.next();
	}

	@Override
	protected void pipeClosed(DataPipe pipe) {
		this.input.pipeClosed();
	}

	/**
	 * Options of the queue reader, with Mentat's names, beside the pipe options. Plain numbers for
	 * durations are seconds.
	 *
	 * @param queueInDir Queue directory to send; relative names resolve under {@code butler.spool-dir}
	 * @param queueInWait How often to look for new messages when the directory cannot be watched, and
	 * as a safety net when it can. If a duration suffix is not specified, seconds will be used
	 * @param queueInPerms Permissions of queue directories created, as {@code 770} or
	 * {@code rwxrwx---}; the process's umask if not set
	 * @param stopWhenEmpty Whether to end the data with OK once the queue is empty, instead of waiting
	 * for new messages
	 * @param maxRecoveries How many times a message is taken back from consumers that ended without
	 * finishing it before it is banished instead
	 */
	public record Config(@NotBlank String queueInDir,
			@DefaultValue("30s") @DurationUnit(ChronoUnit.SECONDS) @NotNull @DurationRange(min = "0s", minInclusive = false) Duration queueInWait,
			@QueuePermissions @Nullable String queueInPerms, boolean stopWhenEmpty,
			@DefaultValue("3") @Min(value = 0, message = PiperOptions.MAX_RECOVERIES_MESSAGE) int maxRecoveries) {
	}

}
