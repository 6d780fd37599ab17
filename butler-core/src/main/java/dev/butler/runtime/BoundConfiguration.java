package dev.butler.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What was bound from a service's configuration prefix for one run: its configuration and the
 * records of its option types, all validated.
 *
 * @param config the service's configuration, {@code null} for none
 * @param options the option records by type, in the order the service declares its types
 */
public record BoundConfiguration(@Nullable Object config, Map<Class<?>, Object> options) {

	/** Nothing bound: no configuration, no options. */
	public static final BoundConfiguration NONE = new BoundConfiguration(null, Map.of());

	public BoundConfiguration {
		options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
	}

	/**
	 * Return the options of a declared type.
	 * @param <T> the options type
	 * @param type the options type
	 * @return the bound options
	 * @throws IllegalArgumentException if the service does not declare the type
	 */
	public <T> T options(Class<T> type) {
		Object bound = this.options.get(type);
		if (bound == null) {
			throw new IllegalArgumentException("The service does not declare " + type.getName()
					+ " among its optionTypes(), so it was not bound; declared: " + this.options.keySet());
		}
		return type.cast(bound);
	}

	/**
	 * Return everything bound: the configuration first, then the options.
	 * @return the bound objects
	 */
	public List<Object> all() {
		List<Object> all = new ArrayList<>();
		if (this.config != null) {
			all.add(this.config);
		}
		all.addAll(this.options.values());
		return List.copyOf(all);
	}

}
