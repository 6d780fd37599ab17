package dev.butler.service;

import java.util.Map;

import dev.butler.protocol.proto.ConfigProto;

/**
 * A run-time configuration request received from the controller (ICCP REQUEST/CONF).
 *
 * @param proto the request as it arrived on the wire
 * @param options the options as a map: {@code ConfigProto} options as Java values, nested configs
 * as nested maps
 */
public record ConfigurationRequest(ConfigProto proto, Map<String, Object> options) {

	public ConfigurationRequest {
		options = Map.copyOf(options);
	}

}
