package dev.butler.protocol.iccp;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.proto.ConfigProto;

/**
 * A message of the Internal Component Control Protocol (ICCP), spoken between a controller and
 * the component it runs. {@link IccpCodec} turns messages into frames and back.
 */
public sealed interface IccpMessage {

	/** The OK message. */
	Ok OK = new Ok();

	/** The STOP message. */
	Stop STOP = new Stop();

	/**
	 * Return the type of this message.
	 * @return the message type
	 */
	IccpMessageType type();

	/**
	 * Create a READY message.
	 * @param peer the identity of the component instance
	 * @param endpoints the bound addresses of each channel, by channel name
	 * @return the message
	 */
	static Ready ready(PeerDescriptor peer, Map<String, List<String>> endpoints) {
		return new Ready(peer, endpoints);
	}

	/**
	 * Create a REQUEST message asking the component to apply a new configuration.
	 * @param config the configuration
	 * @return the message
	 */
	static Request configure(ConfigProto config) {
		return new Request(config);
	}

	/**
	 * Create an ERROR message.
	 * @param message the error text
	 * @return the message
	 */
	static Error error(String message) {
		return new Error(message);
	}

	/**
	 * Create a FINISHED message.
	 * @param outcome the outcome of the run
	 * @param details detail lines, e.g. the description of a failure
	 * @return the message
	 */
	static Finished finished(Outcome outcome, String... details) {
		return new Finished(outcome, Arrays.asList(details));
	}

	/**
	 * READY: the component warmed up and is about to run.
	 *
	 * @param peer the identity of the component instance; its pid must fit in an unsigned 32-bit
	 * integer
	 * @param endpoints the bound addresses of each channel, by channel name (order is kept)
	 */
	record Ready(PeerDescriptor peer, Map<String, List<String>> endpoints) implements IccpMessage {

		public Ready {
			Objects.requireNonNull(peer, "'peer' must not be null");
			Objects.requireNonNull(endpoints, "'endpoints' must not be null");
			if (peer.pid() < 0 || peer.pid() > 0xFFFFFFFFL) {
				throw new IllegalArgumentException(
						"Peer pid must fit in an unsigned 32-bit integer, got " + peer.pid());
			}
			Map<String, List<String>> copy = new LinkedHashMap<>();
			endpoints.forEach((channel, addresses) -> copy.put(Objects.requireNonNull(channel, "channel name"),
					List.copyOf(addresses)));
			endpoints = Collections.unmodifiableMap(copy);
		}

		@Override
		public IccpMessageType type() {
			return IccpMessageType.READY;
		}

	}

	/**
	 * REQUEST with request code {@code CONF}: apply a new configuration. The only request ICCP
	 * defines.
	 *
	 * @param config the configuration
	 */
	record Request(ConfigProto config) implements IccpMessage {

		public Request {
			Objects.requireNonNull(config, "'config' must not be null");
		}

		@Override
		public IccpMessageType type() {
			return IccpMessageType.REQUEST;
		}

	}

	/**
	 * OK: the request succeeded. Use {@link IccpMessage#OK}.
	 */
	record Ok() implements IccpMessage {

		@Override
		public IccpMessageType type() {
			return IccpMessageType.OK;
		}

	}

	/**
	 * ERROR: warm-up, a request or the run loop failed.
	 *
	 * @param message the error text
	 */
	record Error(String message) implements IccpMessage {

		public Error {
			Objects.requireNonNull(message, "'message' must not be null");
		}

		@Override
		public IccpMessageType type() {
			return IccpMessageType.ERROR;
		}

	}

	/**
	 * STOP: the controller asks the component to stop. Use {@link IccpMessage#STOP}.
	 */
	record Stop() implements IccpMessage {

		@Override
		public IccpMessageType type() {
			return IccpMessageType.STOP;
		}

	}

	/**
	 * FINISHED: the component ended, on request or on its own.
	 *
	 * @param outcome the outcome of the run
	 * @param details detail lines, one frame each on the wire
	 */
	record Finished(Outcome outcome, List<String> details) implements IccpMessage {

		public Finished {
			Objects.requireNonNull(outcome, "'outcome' must not be null");
			Objects.requireNonNull(details, "'details' must not be null");
			details = List.copyOf(details);
		}

		@Override
		public IccpMessageType type() {
			return IccpMessageType.FINISHED;
		}

	}

}
