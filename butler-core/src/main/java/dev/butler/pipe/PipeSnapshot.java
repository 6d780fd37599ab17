package dev.butler.pipe;

import java.util.List;

import dev.butler.protocol.fbdp.FbdpErrorCode;

/**
 * What a data pipe endpoint is and has done, as {@link DataPipe#describe()} saw it.
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
 * @param counts what the endpoint moved and refused
 */
public record PipeSnapshot(String name, String pipe, PipeRole role, PipeMode mode, String address, String peer,
		String dataFormat, int batchSize, PipeState state, FbdpErrorCode closeCode, List<String> closeDetails,
		PipeCounts counts) {

}
