package dev.butler.context;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.butler.supervision.RestartIntensity;
import dev.butler.supervision.RestartStrategy;

/**
 * What a context runs: its services, each made anew for every transaction from a standard
 * service's agent or from a prototype bean, with its options, and how they are supervised as one
 * group. Option values may hold {@code {transaction}}, {@code {context}} and {@code {service}},
 * which each transaction replaces with its own, so that the addresses of two transactions differ.
 *
 * @param name the context's name: lower-case letters, digits and {@code -}
 * @param strategy which services of a transaction are restarted together
 * @param intensity how many restarts of the group are made in a period before it gives up;
 * {@code null} for the supervision defaults
 * @param services the services, in the order they start
 */
public record ContextDefinition(String name, RestartStrategy strategy, @Nullable RestartIntensity intensity,
		List<Service> services) {

	/** What a context name, a service id in a context and a transaction id may be made of. */
	static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	/** The placeholders that each transaction replaces in option values. */
	public static final List<String> PLACEHOLDERS = List.of("{transaction}", "{context}", "{service}");

	public ContextDefinition {
		if (!NAME.matcher(name).matches()) {
			throw new ContextDefinitionException("name",
					"'" + name + "' is not a context name: lower-case letters, digits and '-', up to 63");
		}
		if (services.isEmpty()) {
			throw new ContextDefinitionException("services", "names no service; a context runs at least one");
		}
		Set<String> ids = new HashSet<>();
		for (Service service : services) {
			if (!ids.add(service.id())) {
				throw new ContextDefinitionException("services." + service.id(), "is defined twice");
			}
		}
		services = List.copyOf(services);
	}

	/**
	 * Return the ids of the services, in order.
	 * @return the ids
	 */
	public List<String> serviceIds() {
		return this.services.stream().map(Service::id).toList();
	}

	/**
	 * Return the options of every service as one transaction sees them: each placeholder replaced,
	 * and each {@code depends-on} and trigger {@code target} that names a service of the context
	 * replaced by that service's id in the transaction.
	 * @param transaction the transaction
	 * @return the options, by the id of each service in the transaction, in order
	 */
	public Map<String, Map<String, String>> optionsFor(String transaction) {
		Map<String, Map<String, String>> all = new LinkedHashMap<>();
		for (Service service : this.services) {
			Map<String, String> options = new LinkedHashMap<>();
			service.options().forEach((key, value) -> options.put(key, valueFor(transaction, service, key, value)));
			all.put(serviceId(service.id(), transaction), options);
		}
		return all;
	}

	private String valueFor(String transaction, Service service, String key, String value) {
		String replaced = value.replace("{transaction}", transaction)
			.replace("{context}", this.name)
			.replace("{service}", service.id());
		boolean namesServices = key.equals("depends-on") || key.startsWith("depends-on[")
				|| (key.startsWith("on-") && key.endsWith("].target"));
		if (!namesServices) {
			return replaced;
		}
		List<String> names = new ArrayList<>();
		for (String name : replaced.split(",", -1)) {
			String trimmed = name.trim();
			names.add(serviceIds().contains(trimmed) ? serviceId(trimmed, transaction) : trimmed);
		}
		return String.join(",", names);
	}

	/**
	 * Return the id that a service of a context has in a transaction: its id in the context and
	 * the transaction's, lower case, {@code <service>-<transaction>}.
	 * @param service the service's id in the context
	 * @param transaction the transaction
	 * @return the service's id in the application
	 */
	public static String serviceId(String service, String transaction) {
		return service + "-" + transaction.toLowerCase();
	}

	/**
	 * Check a transaction id: letters, digits and {@code -}, up to 63, as it becomes part of the
	 * ids of the services and of their property names.
	 * @param transaction the transaction id
	 * @throws IllegalArgumentException if it is not a valid transaction id
	 */
	public static void checkTransaction(String transaction) {
		if (!NAME.matcher(transaction.toLowerCase()).matches()) {
			throw new IllegalArgumentException("'" + transaction
					+ "' is not a transaction id: letters, digits and '-', up to 63, starting with a letter or digit");
		}
	}

	/**
	 * A service of a context: a new one is made for every transaction.
	 *
	 * @param id its id in the context: lower-case letters, digits and {@code -}
	 * @param agent the name or uid of the standard service to run, or {@code null} if {@code bean}
	 * is given
	 * @param bean the name of a prototype bean of the application that is the service, or
	 * {@code null} if {@code agent} is given
	 * @param options its options as {@code butler.services.<id>.*} takes them, flat
	 * ({@code pipe.format}, {@code on-exit[0].action}); values may hold the placeholders
	 */
	public record Service(String id, @Nullable String agent, @Nullable String bean, Map<String, String> options) {

		public Service {
			if (!NAME.matcher(id).matches()) {
				throw new ContextDefinitionException("services." + id,
						"is not a service id: lower-case letters, digits and '-', up to 63");
			}
			if ((agent == null) == (bean == null)) {
				throw new ContextDefinitionException("services." + id,
						"must name either an agent (a standard service) or a bean (a prototype bean), "
								+ ((agent == null) ? "and names neither" : "not both"));
			}
			options = Map.copyOf(options);
		}

	}

}
