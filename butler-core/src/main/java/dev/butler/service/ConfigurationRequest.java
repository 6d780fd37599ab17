package dev.butler.service;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

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
		options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
	}

	/**
	 * Bind the options to a typed object, as Spring Boot binds configuration properties: relaxed
	 * names ({@code batch_size} or {@code batch-size} for {@code batchSize}), conversion from text
	 * and {@code @DefaultValue} all apply. Nested configs bind to nested objects.
	 * @param <T> the target type
	 * @param type the target type, typically a record
	 * @return the bound object
	 * @throws org.springframework.boot.context.properties.bind.BindException if an option cannot be
	 * converted
	 */
	public <T> T bind(Class<T> type) {
		Map<String, Object> flat = new LinkedHashMap<>();
		flatten("", this.options, flat);
		return new Binder(new MapConfigurationPropertySource(flat)).bindOrCreate(ConfigurationPropertyName.EMPTY,
				Bindable.of(type), null);
	}

	private static void flatten(String prefix, Map<String, Object> options, Map<String, Object> flat) {
		options.forEach((name, value) -> {
			String key = prefix + name.replace('_', '-');
			if (value instanceof Map<?, ?> nested) {
				@SuppressWarnings("unchecked")
				Map<String, Object> config = (Map<String, Object>) nested;
				flatten(key + ".", config, flat);
			}
			else {
				flat.put(key, value);
			}
		});
	}

}
