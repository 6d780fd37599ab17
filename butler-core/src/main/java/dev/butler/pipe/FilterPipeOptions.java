package dev.butler.pipe;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

import dev.butler.service.DurationRange;

/**
 * Options of a data filter's two pipes, with Saturnin's names: {@code input_pipe},
 * {@code input_pipe_address}, {@code input_pipe_mode}, {@code input_pipe_format},
 * {@code input_batch_size}, {@code input_ready_schedule_interval}, the same with {@code output_},
 * and {@code propagate_input_error}. Durations are milliseconds unless they carry a unit.
 *
 * @param inputPipe Name of the input pipe
 * @param inputPipeAddress ZeroMQ address the input pipe binds or connects to
 * @param inputPipeMode Whether to bind the input pipe or connect to it
 * @param inputPipeFormat MIME type of the input data; required when connecting
 * @param inputBatchSize Number of DATA messages taken in one batch
 * @param inputReadyScheduleInterval Time before a bound input pipe asks again after READY(0). If a
 * duration suffix is not specified, milliseconds will be used
 * @param outputPipe Name of the output pipe
 * @param outputPipeAddress ZeroMQ address the output pipe binds or connects to
 * @param outputPipeMode Whether to bind the output pipe or connect to it
 * @param outputPipeFormat MIME type of the output data; required when connecting
 * @param outputBatchSize Number of DATA messages given in one batch
 * @param outputReadyScheduleInterval Time before a bound output pipe asks again after READY(0). If a
 * duration suffix is not specified, milliseconds will be used
 * @param propagateInputError Whether an input pipe closed with an error closes the output pipe with
 * the same error at once, instead of delivering what is left
 * @param peerTimeout Time a silent peer may go unheard before its pipe ends. Not a Saturnin option.
 * If a duration suffix is not specified, milliseconds will be used
 * @param openTimeout Time a connecting pipe waits for its server's first answer to OPEN. Not a
 * Saturnin option. If a duration suffix is not specified, milliseconds will be used
 * @param closeTimeout Time a pipe waits, after it sent a final CLOSE, for the peer to disconnect
 * before closing its socket. Not a Saturnin option. If a duration suffix is not specified,
 * milliseconds will be used
 */
@PipeFormatRequired(mode = "inputPipeMode", format = "inputPipeFormat")
@PipeFormatRequired(mode = "outputPipeMode", format = "outputPipeFormat")
public record FilterPipeOptions(@NotBlank String inputPipe, @NotBlank String inputPipeAddress,
		@NotNull PipeMode inputPipeMode, @Nullable String inputPipeFormat,
		@DefaultValue("50") @Min(1) @Max(65535) int inputBatchSize,
		@DefaultValue("1000ms") @DurationUnit(ChronoUnit.MILLIS) @NotNull @DurationRange(min = "0s", minInclusive = false) Duration inputReadyScheduleInterval,
		@NotBlank String outputPipe, @NotBlank String outputPipeAddress, @NotNull PipeMode outputPipeMode,
		@Nullable String outputPipeFormat, @DefaultValue("50") @Min(1) @Max(65535) int outputBatchSize,
		@DefaultValue("1000ms") @DurationUnit(ChronoUnit.MILLIS) @NotNull @DurationRange(min = "0s", minInclusive = false) Duration outputReadyScheduleInterval,
		@DefaultValue("true") boolean propagateInputError,
		@DefaultValue("10s") @DurationUnit(ChronoUnit.MILLIS) @NotNull @DurationRange(min = PipeOptions.PEER_TIMEOUT_MIN, max = PipeOptions.PEER_TIMEOUT_MAX) Duration peerTimeout,
		@DefaultValue("10s") @DurationUnit(ChronoUnit.MILLIS) @NotNull @DurationRange(min = "0s", minInclusive = false) Duration openTimeout,
		@DefaultValue("5s") @DurationUnit(ChronoUnit.MILLIS) @NotNull @DurationRange(min = "0s") Duration closeTimeout) {

	/**
	 * Return the options of the input pipe. A filter stops on its own once both pipes closed, so
	 * {@code stop_on_close} does not apply to either.
	 * @return the input pipe options
	 * @throws IllegalArgumentException naming the option at fault
	 */
	public PipeOptions input() {
		PipeOptions input = new PipeOptions(this.inputPipe, this.inputPipeAddress, this.inputPipeMode,
				this.inputPipeFormat, this.inputBatchSize, this.inputReadyScheduleInterval, false, this.peerTimeout,
				this.openTimeout, this.closeTimeout);
		input.validate("input_");
		return input;
	}

	/**
	 * Return the options of the output pipe.
	 * @return the output pipe options
	 * @throws IllegalArgumentException naming the option at fault
	 */
	public PipeOptions output() {
		PipeOptions output = new PipeOptions(this.outputPipe, this.outputPipeAddress, this.outputPipeMode,
				this.outputPipeFormat, this.outputBatchSize, this.outputReadyScheduleInterval, false, this.peerTimeout,
				this.openTimeout, this.closeTimeout);
		output.validate("output_");
		return output;
	}

}
