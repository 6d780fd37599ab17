package dev.butler.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The names that the binds of each service read under {@code butler.services.<id>}, and what is set
 * there that none of them reads: a typo, which the binder would silently ignore.
 * <p>
 * Several types bind from one service's prefix (its configuration, pipe and piper options, the
 * runtime keys of the application, e.g. {@code agent}), so Boot's {@code NoUnboundElementsBindHandler}
 * on any one bind would flag the names of the others. Instead every bind of a service records the
 * names it tries, and the properties present under the prefix are compared with their union once the
 * service has bound all its options. A property matches a name as the binder matches it: in any
 * relaxed form, environment variables included.
 */
public final class ServicePropertyNames {

	static final String SERVICES = "butler.services";

	/** The property that says what to do with unknown properties. */
	static final String PROPERTY = "butler.on-unknown-property";

	private static final ConfigurationPropertyName SERVICES_NAME = ConfigurationPropertyName.of(SERVICES);

	private final Map<String, Set<ConfigurationPropertyName>> names = new ConcurrentHashMap<>();

	private final Map<String, Set<ConfigurationPropertyName>> mapNames = new ConcurrentHashMap<>();

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	/**
	 * Return a handler that records, for the service, every name a bind tries.
	 * @param serviceId the service
	 * @param parent the handler to delegate to
	 * @return the handler
	 */
	BindHandler recording(String serviceId, BindHandler parent) {
		Set<ConfigurationPropertyName> tried = this.names.computeIfAbsent(serviceId, (id) -> new CopyOnWriteArraySet<>());
		Set<ConfigurationPropertyName> maps = this.mapNames.computeIfAbsent(serviceId, (id) -> new CopyOnWriteArraySet<>());
		return new AbstractBindHandler(parent) {

			@Override
			public <T> @Nullable Bindable<T> onStart(ConfigurationPropertyName name, Bindable<T> target,
					BindContext context) {
				tried.add(name);
				Class<?> type = target.getType().resolve();
				if (type != null && Map.class.isAssignableFrom(type)) {
					maps.add(name);
				}
				return super.onStart(name, target, context);
			}

		};
	}

	/**
	 * Return the names a service's binds tried, in the order tried.
	 * @param serviceId the service
	 * @return the names
	 */
	Set<ConfigurationPropertyName> tried(String serviceId) {
		return this.names.getOrDefault(serviceId, Set.of());
	}

	/**
	 * Return the names of map-typed options a service's binds tried, whose keys are free.
	 * @param serviceId the service
	 * @return the names
	 */
	Set<ConfigurationPropertyName> maps(String serviceId) {
		return this.mapNames.getOrDefault(serviceId, Set.of());
	}

	/**
	 * Return the properties under a service's prefix that none of its binds read.
	 * @param environment the environment
	 * @param serviceId the service
	 * @return the unknown properties, most significant source first
	 */
	List<ConfigurationProperty> unknown(Environment environment, String serviceId) {
		ConfigurationPropertyName prefix = prefix(serviceId);
		Set<ConfigurationPropertyName> known = this.names.getOrDefault(serviceId, Set.of());
		Set<ConfigurationPropertyName> maps = this.mapNames.getOrDefault(serviceId, Set.of());
		Map<ConfigurationPropertyName, ConfigurationProperty> unknown = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			Set<String> read = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
			for (ConfigurationPropertyName name : known) {
				ConfigurationProperty property = source.getConfigurationProperty(name);
				if (property != null) {
					read.add(sourceName(property));
				}
			}
			iterable.stream().filter((name) -> isUnder(source, name, prefix, serviceId)).forEach((name) -> {
				if (known.contains(name) || maps.stream().anyMatch((map) -> map.isAncestorOf(name))
						|| isInOverriddenList(name, known) || unknown.containsKey(name)) {
					return;
				}
				ConfigurationProperty property = source.getConfigurationProperty(name);
				if (property != null && !read.contains(sourceName(property))) {
					unknown.put(name, property);
				}
			});
		}
		return List.copyOf(unknown.values());
	}

	/**
	 * Whether the name is in an element of a list that was bound from a more significant source,
	 * e.g. {@code on-exit[0].action} of {@code application.yml} under a profile's {@code on-exit: []}:
	 * the binder tried the list but none of that element's keys, as the source it bound has none.
	 */
	private static boolean isInOverriddenList(ConfigurationPropertyName name, Set<ConfigurationPropertyName> known) {
		for (int i = 2; i < name.getNumberOfElements(); i++) {
			ConfigurationPropertyName element = name.chop(i);
			if (name.isNumericIndex(i - 1) && known.contains(name.chop(i - 1))
					&& known.stream().noneMatch(element::isAncestorOf)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the names a service's binds tried, relative to its prefix and sorted; the keys of
	 * map-typed options are left out.
	 * @param serviceId the service
	 * @return the known names, e.g. {@code file}, {@code file-mode}
	 */
	Set<String> known(String serviceId) {
		ConfigurationPropertyName prefix = prefix(serviceId);
		Set<ConfigurationPropertyName> maps = this.mapNames.getOrDefault(serviceId, Set.of());
		Set<String> known = new TreeSet<>();
		for (ConfigurationPropertyName name : this.names.getOrDefault(serviceId, Set.of())) {
			if (prefix.isAncestorOf(name) && maps.stream().noneMatch((map) -> map.isAncestorOf(name))
					&& !name.isLastElementIndexed()) {
				known.add(relative(prefix, name));
			}
		}
		return known;
	}

	/**
	 * Fail or warn, as the action says, when a service's prefix holds properties none of its binds
	 * read.
	 * @param environment the environment
	 * @param serviceId the service
	 * @param action what to do
	 * @param logger where to warn, once for the same properties
	 * @throws UnknownPropertyException on {@code fail}
	 */
	void check(Environment environment, String serviceId, UnknownPropertyAction action, Log logger) {
		List<ConfigurationProperty> unknown = unknown(environment, serviceId);
		if (unknown.isEmpty()) {
			return;
		}
		Set<String> known = known(serviceId);
		ConfigurationPropertyName prefix = prefix(serviceId);
		String message;
		if (unknown.size() == 1) {
			ConfigurationProperty property = unknown.get(0);
			List<String> nearest = nearest(typed(prefix, serviceId, property), known);
			message = "Unknown property '" + sourceName(property) + "' of service '" + serviceId + "'"
					+ (nearest.isEmpty() ? "." : "; did you mean " + quoted(nearest) + "?");
		}
		else {
			message = "Unknown properties of service '" + serviceId + "': " + unknown.stream().map((property) -> {
				List<String> nearest = nearest(typed(prefix, serviceId, property), known);
				return "'" + sourceName(property) + "'" + (nearest.isEmpty() ? "" : " (did you mean " + quoted(nearest) + "?)");
			}).collect(Collectors.joining(", ")) + ".";
		}
		message += " Known: " + (known.isEmpty() ? "none" : String.join(", ", known));
		if (action == UnknownPropertyAction.FAIL || this.warned.add(message)) {
			report(unknown.get(0), message, action, logger);
		}
	}

	/**
	 * Fail or warn, as the action says, when {@code butler.services} holds properties of ids that
	 * name no service.
	 * @param environment the environment
	 * @param ids the ids of the services (and foreign components) of the application
	 * @param action what to do
	 * @param logger where to warn
	 * @throws UnknownPropertyException on {@code fail}
	 */
	public static void checkServices(Environment environment, Collection<String> ids, UnknownPropertyAction action,
			Log logger) {
		List<ConfigurationProperty> unknown = ofUnknownServices(environment, ids);
		if (unknown.isEmpty()) {
			return;
		}
		Set<String> known = new TreeSet<>(ids);
		Map<String, String> byId = new LinkedHashMap<>();
		for (ConfigurationProperty property : unknown) {
			String id = property.getName().getElement(2, ConfigurationPropertyName.Form.ORIGINAL);
			List<String> nearest = nearest(id, known);
			byId.putIfAbsent(id, "'" + id + "' (property '" + sourceName(property) + "'"
					+ (nearest.isEmpty() ? "" : "; did you mean " + quoted(nearest) + "?") + ")");
		}
		String message = ((byId.size() == 1) ? "Unknown service " : "Unknown services ") + String.join(", ", byId.values())
				+ " under '" + SERVICES + "'. Known services: " + (known.isEmpty() ? "none" : String.join(", ", known));
		report(unknown.get(0), message, action, logger);
	}

	private static String typed(ConfigurationPropertyName prefix, String serviceId, ConfigurationProperty property) {
		ConfigurationPropertyName name = property.getName();
		// BUTLER_SERVICES_TEXT_READER_FIEL, the legacy form of text-reader, reads as text.reader.fiel
		return prefix.isAncestorOf(name) ? relative(prefix, name)
				: name.subName(Math.min(name.getNumberOfElements() - 1, 2 + serviceId.split("[-.]").length)).toString();
	}

	private static String quoted(List<String> names) {
		return "'" + String.join("' or '", names) + "'";
	}

	private static void report(ConfigurationProperty first, String message, UnknownPropertyAction action, Log logger) {
		if (action == UnknownPropertyAction.WARN) {
			logger.warn(message);
			return;
		}
		throw new UnknownPropertyException(sourceName(first), first.getValue(),
				message + " (" + PROPERTY + "=warn logs this instead of failing)");
	}

	/**
	 * Return the properties under {@code butler.services} of services with none of the given ids.
	 * @param environment the environment
	 * @param ids the ids of the services (and foreign components) of the application
	 * @return the properties of unknown services, most significant source first
	 */
	static List<ConfigurationProperty> ofUnknownServices(Environment environment, Collection<String> ids) {
		Map<ConfigurationPropertyName, ConfigurationProperty> unknown = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream()
					.filter((name) -> SERVICES_NAME.isAncestorOf(name) && name.getNumberOfElements() > 3)
					.filter(Predicate.not((name) -> ids.stream()
						.anyMatch((id) -> isUnder(source, name, prefix(id), id))))
					.forEach((name) -> {
						ConfigurationProperty property = source.getConfigurationProperty(name);
						if (property != null) {
							unknown.putIfAbsent(name, property);
						}
					});
			}
		}
		return List.copyOf(unknown.values());
	}

	/**
	 * Return the name of a property as its source spells it, e.g. an environment variable.
	 * @param property the property
	 * @return the name
	 */
	static String sourceName(ConfigurationProperty property) {
		Origin origin = property.getOrigin();
		return (origin instanceof PropertySourceOrigin sourceOrigin) ? sourceOrigin.getPropertyName()
				: property.getName().toString();
	}

	private static boolean isUnder(ConfigurationPropertySource source, ConfigurationPropertyName name,
			ConfigurationPropertyName prefix, String id) {
		if (prefix.isAncestorOf(name)) {
			return true;
		}
		if (SERVICES_NAME.isAncestorOf(name) && source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource) {
			// BUTLER_SERVICES_TEXT_READER_FILE, the legacy form of text-reader, reads as text.reader.file
			ConfigurationProperty property = source.getConfigurationProperty(name);
			if (property == null) {
				return false;
			}
			String upper = sourceName(property).toUpperCase(Locale.ROOT);
			String uniformId = id.toUpperCase(Locale.ROOT).replace('.', '_');
			return upper.startsWith("BUTLER_SERVICES_" + uniformId.replace("-", "") + "_")
					|| upper.startsWith("BUTLER_SERVICES_" + uniformId.replace('-', '_') + "_");
		}
		return false;
	}

	/**
	 * Return the configuration prefix of a service.
	 * @param serviceId the service
	 * @return {@code butler.services.<id>}
	 */
	static ConfigurationPropertyName prefix(String serviceId) {
		return ConfigurationPropertyName.adapt(SERVICES + "." + serviceId, '.');
	}

	static String relative(ConfigurationPropertyName prefix, ConfigurationPropertyName name) {
		return name.subName(prefix.getNumberOfElements()).toString();
	}

	/**
	 * Return the candidates nearest to a misspelt name, if any is near enough to be meant.
	 * @param name the misspelt name
	 * @param candidates the known names
	 * @return the nearest, in the candidates' order
	 */
	static List<String> nearest(String name, Collection<String> candidates) {
		String typed = normalized(name);
		int limit = Math.max(2, typed.length() / 3);
		int best = Integer.MAX_VALUE;
		List<String> nearest = new ArrayList<>();
		for (String candidate : candidates) {
			String known = normalized(candidate);
			int distance = distance(typed, known);
			if (distance > limit || distance > best) {
				continue;
			}
			if (distance < best) {
				best = distance;
				nearest.clear();
			}
			nearest.add(candidate);
		}
		return (nearest.size() > 3) ? nearest.subList(0, 3) : nearest;
	}

	private static String normalized(String name) {
		return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(".", "");
	}

	static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int cost = (a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1;
				current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

}
