package dev.butler.pipe;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import org.jspecify.annotations.Nullable;

import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.ResourceSnapshot;

/**
 * What a data pipe endpoint is and has done, as {@link DataPipe#describe()} saw it. Listed as
 * {@code pipes} in {@code /actuator/butler}, with the counts in line; its meters are
 * {@code butler.pipe.*}, tagged with the pipe's channel name and its role, summed over all runs of
 * the service.
 *
 * @param name channel name of the endpoint, unique in its service
 * @param pipe name of the pipe ({@code pipe})
 * @param role producer or consumer
 * @param mode bind (the pipe's server) or connect (its client)
 * @param address address the endpoint binds or connects to ({@code pipe_address})
 * @param peer the other end: for a connected endpoint the address it connects to; for a bound one
 * the ZeroMQ routing id of its client in hex, {@code null} without a session
 * @param dataFormat data format of the session, {@code null} before one
 * @param batchSize the {@code batch_size} option: the most DATA messages this side gives or takes in
 * one batch
 * @param state state of the endpoint
 * @param closeCode how the last session closed, {@code null} before one closed
 * @param closeDetails descriptions that came with the close
 * @param counts what the endpoint moved and refused in the current run
 */
public record PipeSnapshot(String name, String pipe, PipeRole role, PipeMode mode, String address,
		@Nullable String peer, @Nullable String dataFormat, int batchSize, PipeState state,
		@Nullable FbdpErrorCode closeCode, List<String> closeDetails,
		@JsonUnwrapped PipeCounts counts) implements ResourceSnapshot {

	@Override
	public String kind() {
		return "pipe";
	}

	@Override
	public List<Count> counters() {
		Map<String, String> tags = Map.of("role", this.role.name().toLowerCase(Locale.ROOT));
		PipeCounts counts = this.counts;
		return List.of(
				new Count("messages", tags, counts.dataMessages(), true, null,
						"DATA messages the pipe sent or received, over all runs of the service"),
				new Count("bytes", tags, counts.bytes(), true, "bytes",
						"Payload bytes the pipe sent or received, over all runs of the service"),
				new Count("batches", tags, counts.batches(), true, null,
						"Batches the pipe agreed with its peer, over all runs of the service"),
				new Count("refused", tags, counts.refused(), true, null,
						"Messages the pipe refused with CLOSE, over all runs of the service"),
				new Count("rejected", tags, counts.rejected(), true, null,
						"Data messages the consumer rejected, over all runs of the service"),
				new Count("dropped", tags, counts.dropped(), true, null,
						"Messages the pipe could not deliver: the peer was gone, never answered, or took "
								+ "nothing within close_timeout, over all runs of the service"),
				new Count("stalls", tags, counts.stalls(), true, null,
						"Sessions the pipe ended because the peer took no message for peer_timeout, over all "
								+ "runs of the service"));
	}

}
