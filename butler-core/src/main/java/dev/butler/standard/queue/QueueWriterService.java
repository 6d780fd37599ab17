package dev.butler.standard.queue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

import dev.butler.pipe.DataConsumerService;
import dev.butler.pipe.DataPipe;
import dev.butler.protocol.VendorUids;
import dev.butler.queue.PiperOptions;
import dev.butler.queue.QueuePermissions;
import dev.butler.queue.QueueStatistics;
import dev.butler.service.ButlerService;
import dev.butler.service.DurationRange;
import dev.butler.service.ServiceContext;

/**
 * Writes the data of its data pipe into a directory queue ({@code butler.queue.writer}): each DATA
 * payload becomes one message in {@code queue_out_dir}, which a {@link dev.butler.queue.PiperService}
 * or a {@link QueueReaderService} consumes, here or in another process.
 * <p>
 * Every payload is in the queue, synced, before the next one is taken. With {@code group_commit}
 * the payloads of a batch are written together with one sync, before the writer asks for or agrees
 * to the next batch, when the pipe closes and when the service stops; a batch that stalls half-way
 * is written after a second. Either way a READY from the writer tells its producer that what it
 * sent before is stored. A payload that cannot be written, e.g. for a full disk, closes the pipe
 * with ERROR saying what failed; nothing half-written is left in {@code incoming/}.
 * <p>
 * When the queue holds {@code queue_out_limit} messages, the writer answers READY(0) to hold its
 * producer back, and counts again every {@code queue_out_wait} until there is room. The limit is
 * checked before each batch, so a batch may take the queue past it. The queue is opened when the
 * service starts, so a directory that cannot be written fails start-up. The writer takes any data
 * format: a message is the payload as it is.
 */
@ButlerService(oid = QueueWriterService.AGENT_OID, name = QueueWriterService.AGENT_NAME, version = "0.1.0",
		classification = "queue/writer", description = "Directory queue writer microservice")
public class QueueWriterService extends DataConsumerService<QueueWriterService.Config> {

	/** Agent name of the service, for {@code butler.services.<id>.agent}. */
	public static final String AGENT_NAME = "butler.queue.writer";

	/** Agent OID of the service; its uid is {@code uuid5(NAMESPACE_OID, oid)}. */
	public static final String AGENT_OID = VendorUids.BUTLER_OID + ".1.1";

	/** Name of the queue in {@code /actuator/butler} and metrics. */
	public static final String QUEUE_OUT = "queue-out";

	private final QueueStatistics statistics = new QueueStatistics();

	private QueueOutput output;

	@Override
	protected void prepare(Config config, ServiceContext context) {
		this.output = new QueueOutput(context, config, PiperOptions.permissions(config.queueInPerms()),
				this.statistics, this::pipe);
		context.addResource(this.output);
	}

	@Override
	protected void acceptData(byte[] data) {
		this.output.accept(data);
	}

	@Override
	protected boolean isReady() {
		return this.output.isReady();
	}

	@Override
	protected void pipeClosed(DataPipe pipe) {
		this.output.pipeClosed();
	}

	/**
	 * Options of the queue writer, with Mentat's names, beside the pipe options. Plain numbers for
	 * durations are seconds.
	 *
	 * @param queueOutDir Queue directory to write into; relative names resolve under
	 * {@code butler.spool-dir}
	 * @param queueOutLimit Number of messages waiting in the queue at which the writer holds its
	 * producer back
	 * @param queueOutWait How often to count a full queue again. If a duration suffix is not
	 * specified, seconds will be used
	 * @param queueInPerms Permissions of queue directories created, as {@code 770} or
	 * {@code rwxrwx---}; the process's umask if not set
	 * @param groupCommit Whether to write the payloads of a batch together, with one sync
	 */
	public record Config(@NotBlank String queueOutDir,
			@DefaultValue("10000") @Min(value = 1, message = "must be at least 1") int queueOutLimit,
			@DefaultValue("10s") @DurationUnit(ChronoUnit.SECONDS) @NotNull @DurationRange(min = "0s", minInclusive = false) Duration queueOutWait,
			@QueuePermissions @Nullable String queueInPerms,
			boolean groupCommit) {
	}

}
