package dev.butler.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.IgnoreErrorsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.AbstractEnvironment;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The option names a set of types reads, found as {@link BinderServiceConfigBinder} finds those of a
 * service at start-up: by binding the types and recording the names each bind tries. Given options
 * match them as the binder matches properties: relaxed ({@code batch_size}, {@code batch-size} and
 * {@code batchSize} are one name), nested options against nested types, any key under a map.
 */
public final class OptionNames {

	private static final String ID = "options";

	private static final ConfigurationPropertyName PREFIX = ServicePropertyNames.prefix(ID);

	private final Collection<Class<?>> types;

	private OptionNames(Collection<Class<?>> types) {
		this.types = List.copyOf(types);
	}

	/**
	 * Return the option names of the given types.
	 * @param types the types, e.g. a service's configuration and option types
	 * @return the names
	 */
	public static OptionNames of(Collection<Class<?>> types) {
		return new OptionNames(types);
	}

	/**
	 * Return the top-level option names, dashed, in the order the types declare them.
	 * @return the names
	 */
	public List<String> names() {
		Set<String> names = new LinkedHashSet<>();
		for (ConfigurationPropertyName name : record(Map.of()).tried(ID)) {
			if (PREFIX.isAncestorOf(name)) {
				names.add(name.getElement(PREFIX.getNumberOfElements(), ConfigurationPropertyName.Form.DASHED));
			}
		}
		return List.copyOf(names);
	}

	/**
	 * Return the given options that none of the types reads: the options are bound to the types,
	 * and what no bind tried is unknown, as at start-up.
	 * @param options the options by name; a name may be dotted and a value a map of nested options
	 * @return the unknown names, as given and joined with {@code .}, in order
	 */
	public List<String> unknown(Map<String, ?> options) {
		Map<String, Object> properties = new LinkedHashMap<>();
		flatten(PREFIX + ".", options, properties);
		ConfigurableEnvironment environment = environment(properties);
		ServicePropertyNames names = record(environment);
		return names.unknown(environment, ID)
			.stream()
			.map((property) -> ServicePropertyNames.sourceName(property).substring(PREFIX.toString().length() + 1))
			.toList();
	}

	private ServicePropertyNames record(Map<String, Object> properties) {
		return record(environment(properties));
	}

	private ServicePropertyNames record(ConfigurableEnvironment environment) {
		ServicePropertyNames names = new ServicePropertyNames();
		Binder binder = Binder.get(environment);
		BindHandler recording = names.recording(ID, new IgnoreErrorsBindHandler());
		for (Class<?> type : this.types) {
			try {
				binder.bind(PREFIX, Bindable.of(type), recording);
			}
			catch (RuntimeException ex) {
				// a value the type cannot take; the names tried before are recorded
			}
		}
		return names;
	}

	private static ConfigurableEnvironment environment(Map<String, Object> properties) {
		ConfigurableEnvironment environment = new AbstractEnvironment() {
		};
		environment.getPropertySources().addFirst(new MapPropertySource(ID, properties));
		return environment;
	}

	private static void flatten(String path, Map<?, ?> options, Map<String, Object> properties) {
		options.forEach((key, value) -> {
			if (value instanceof Map<?, ?> nested && !nested.isEmpty()) {
				flatten(path + key + ".", nested, properties);
			}
			else {
				properties.put(path + key, (value != null) ? value : "");
			}
		});
	}

}
