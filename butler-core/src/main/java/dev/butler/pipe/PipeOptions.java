package dev.butler.pipe;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

import dev.butler.service.DurationRange;
import dev.butler.service.OptionConstraints;

/**
 * Options of one data pipe endpoint, with Saturnin's names: {@code pipe}, {@code pipe_address},
 * {@code pipe_mode}, {@code pipe_format}, {@code batch_size}, {@code ready_schedule_interval} and
 * {@code stop_on_close}. Spring's relaxed binding accepts both {@code pipe-address} and
 * {@code pipe_address}. Durations are milliseconds unless they carry a unit ({@code 250ms},
 * {@code 10s}), as Saturnin's {@code ready_schedule_interval} is.
 *
 * @param pipe Name of the pipe
 * @param pipeAddress ZeroMQ address the pipe binds or connects to
 * @param pipeMode Whether to bind (be the pipe's server) or connect (be its client)
 * @param pipeFormat MIME type of the data, e.g. text/plain;charset=utf-8; required when connecting,
 * sent in OPEN
 * @param batchSize Number of DATA messages this side takes or gives in one batch; 5 for the text
 * reader and writer, as in Saturnin
 * @param readyScheduleInterval Time before a server asks again after its peer answered READY(0). If
 * a duration suffix is not specified, milliseconds will be used
 * @param stopOnClose Whether the service stops when the pipe closes
 * @param peerTimeout Time a silent peer may go unheard before the pipe ends; ZeroMQ heartbeats keep
 * a live but idle peer heard; 100ms to 655s. Not a Saturnin option. If a duration suffix is not
 * specified, milliseconds will be used
 * @param openTimeout Time a connecting pipe waits for its server's first answer to OPEN before the
 * session ends with ERROR. Saturnin allows 100 ms and so needs its server started first; the default
 * lets stages start in any order. Not a Saturnin option. If a duration suffix is not specified,
 * milliseconds will be used
 * @param closeTimeout Time the pipe waits, after it sent a final CLOSE, for the peer to disconnect
 * before it closes its socket anyway, so that the last batch and the CLOSE reach a peer that closes
 * its socket at once, as Saturnin does. Not a Saturnin option. If a duration suffix is not
 * specified, milliseconds will be used
 * @param maxRejects Data messages of one peer that a consumer may reject (its handler throws
 * DataRejectedException) within rejects-within and go on; one more cuts the peer off: its session
 * ends with CLOSE(INVALID_DATA) and the reason. 0 cuts it off at the first. Not a Saturnin option
 * @param rejectsWithin The period max-rejects counts in. Not a Saturnin option. If a duration suffix
 * is not specified, milliseconds will be used
 */
@PipeFormatRequired
public record PipeOptions(@NotBlank String pipe, @NotBlank String pipeAddress, @NotNull PipeMode pipeMode,
		@Nullable String pipeFormat, @DefaultValue("50") @Min(1) @Max(65535) int batchSize,
		@DefaultValue("1000ms") @DurationUnit(ChronoUnit.MILLIS) @NotNull @DurationRange(min = "0s", minInclusive = false) Duration readyScheduleInterval,
		@DefaultValue("true") boolean stopOnClose,
		@DefaultValue("10s") @DurationUnit(ChronoUnit.MILLIS) @NotNull @DurationRange(min = PEER_TIMEOUT_MIN, max = PEER_TIMEOUT_MAX) Duration peerTimeout,
		@DefaultValue("10s") @DurationUnit(ChronoUnit.MILLIS) @NotNull @DurationRange(min = "0s", minInclusive = false) Duration openTimeout,
		@DefaultValue("5s") @DurationUnit(ChronoUnit.MILLIS) @NotNull @DurationRange(min = "0s") Duration closeTimeout,
		@DefaultValue("0") @Min(0) int maxRejects,
		@DefaultValue("60s") @DurationUnit(ChronoUnit.MILLIS) @NotNull @DurationRange(min = "0s", minInclusive = false) Duration rejectsWithin) {

	/**
	 * Least {@link #peerTimeout()}.
	 */
	public static final String PEER_TIMEOUT_MIN = "100ms";

	/**
	 * Greatest {@link #peerTimeout()}: JeroMQ takes a heartbeat TTL of at most 655 399 ms
	 * (deciseconds in an unsigned short).
	 */
	public static final String PEER_TIMEOUT_MAX = "655s";

	/**
	 * Default {@link #peerTimeout()}.
	 */
	public static final Duration DEFAULT_PEER_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Default {@link #openTimeout()}.
	 */
	public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Default {@link #closeTimeout()}.
	 */
	public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Default {@link #rejectsWithin()}.
	 */
	public static final Duration DEFAULT_REJECTS_WITHIN = Duration.ofSeconds(60);

	@ConstructorBinding
	public PipeOptions {
	}

	/**
	 * Create options that cut a peer off at its first rejected message.
	 * @param pipe name of the pipe
	 * @param pipeAddress address the pipe binds or connects to
	 * @param pipeMode bind or connect
	 * @param pipeFormat MIME type of the data
	 * @param batchSize DATA messages per batch
	 * @param readyScheduleInterval time before a server asks again after READY(0)
	 * @param stopOnClose whether the service stops when the pipe closes
	 * @param peerTimeout time a silent peer may go unheard
	 * @param openTimeout time a connecting pipe waits for its server's first answer
	 * @param closeTimeout time the pipe waits for the peer to disconnect after a final CLOSE
	 */
	public PipeOptions(String pipe, String pipeAddress, PipeMode pipeMode, @Nullable String pipeFormat, int batchSize,
			Duration readyScheduleInterval, boolean stopOnClose, Duration peerTimeout, Duration openTimeout,
			Duration closeTimeout) {
		this(pipe, pipeAddress, pipeMode, pipeFormat, batchSize, readyScheduleInterval, stopOnClose, peerTimeout,
				openTimeout, closeTimeout, 0, DEFAULT_REJECTS_WITHIN);
	}

	/**
	 * Create options with the default {@link #openTimeout()} and {@link #closeTimeout()}.
	 * @param pipe name of the pipe
	 * @param pipeAddress address the pipe binds or connects to
	 * @param pipeMode bind or connect
	 * @param pipeFormat MIME type of the data
	 * @param batchSize DATA messages per batch
	 * @param readyScheduleInterval time before a server asks again after READY(0)
	 * @param stopOnClose whether the service stops when the pipe closes
	 * @param peerTimeout time a silent peer may go unheard
	 */
	public PipeOptions(String pipe, String pipeAddress, PipeMode pipeMode, @Nullable String pipeFormat, int batchSize,
			Duration readyScheduleInterval, boolean stopOnClose, Duration peerTimeout) {
		this(pipe, pipeAddress, pipeMode, pipeFormat, batchSize, readyScheduleInterval, stopOnClose, peerTimeout,
				DEFAULT_OPEN_TIMEOUT, DEFAULT_CLOSE_TIMEOUT);
	}

	/**
	 * Create options with the default {@link #peerTimeout()}, {@link #openTimeout()} and
	 * {@link #closeTimeout()}.
	 * @param pipe name of the pipe
	 * @param pipeAddress address the pipe binds or connects to
	 * @param pipeMode bind or connect
	 * @param pipeFormat MIME type of the data
	 * @param batchSize DATA messages per batch
	 * @param readyScheduleInterval time before a server asks again after READY(0)
	 * @param stopOnClose whether the service stops when the pipe closes
	 */
	public PipeOptions(String pipe, String pipeAddress, PipeMode pipeMode, @Nullable String pipeFormat, int batchSize,
			Duration readyScheduleInterval, boolean stopOnClose) {
		this(pipe, pipeAddress, pipeMode, pipeFormat, batchSize, readyScheduleInterval, stopOnClose,
				DEFAULT_PEER_TIMEOUT);
	}

	/**
	 * Check the options against their constraints, for options given in code; bound options are
	 * checked as they are bound.
	 * @throws IllegalArgumentException naming the option at fault
	 */
	public void validate() {
		validate("");
	}

	/**
	 * Check the options against their constraints, naming options with a prefix, e.g. {@code input_}.
	 */
	void validate(String prefix) {
		OptionConstraints.requireValid(this, prefix);
	}

}
