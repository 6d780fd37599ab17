package dev.butler.autoconfigure.context;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

import dev.butler.context.ContextDefinition;
import dev.butler.context.ContextDefinitionException;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.supervision.RestartIntensity;
import dev.butler.supervision.RestartStrategy;

/**
 * Configuration properties of contexts: sets of services run together for one transaction, and
 * the ZeroMQ bus that controls them. A key it does not know fails start-up.
 *
 * @param bus The control bus
 * @param definitions Contexts by name: what each transaction of them runs
 */
@ConfigurationProperties(prefix = "butler.context", ignoreUnknownFields = false)
public record ButlerContextProperties(@DefaultValue Bus bus, Map<String, Definition> definitions) {

	public ButlerContextProperties {
		definitions = (definitions != null) ? new LinkedHashMap<>(definitions) : Map.of();
	}

	/**
	 * Return the definition of every context, checked.
	 * @return the definitions by name, in the order they are configured
	 * @throws ServiceConfigurationException naming the property of a definition that is not valid
	 */
	public Map<String, ContextDefinition> contextDefinitions() {
		Map<String, ContextDefinition> all = new LinkedHashMap<>();
		this.definitions.forEach((name, definition) -> all.put(name, definition.toContextDefinition(name)));
		return all;
	}

	/**
	 * The control bus: a forwarder whose frontend takes requests that clients publish and whose
	 * backend publishes them with the answers to subscribers.
	 *
	 * @param enabled Whether to bind the control bus
	 * @param frontend Address of the XSUB socket that clients' PUB sockets connect to, to send
	 * requests
	 * @param backend Address of the XPUB socket that clients' SUB sockets connect to, to receive
	 * answers (topics state and error) and what others publish
	 * @param curve CURVE keys that secure the bus; without them it is plain text, so keep it on
	 * loopback
	 */
	public record Bus(@DefaultValue("false") boolean enabled, @DefaultValue("tcp://127.0.0.1:5557") String frontend,
			@DefaultValue("tcp://127.0.0.1:5556") String backend, @Nullable Curve curve) {

	}

	/**
	 * CURVE keys of the control bus, in Z85 (40 characters), as ZeroMQ's curve_keygen prints them.
	 *
	 * @param secretKey The bus's secret key; clients need its public key
	 * @param clientKeys Public keys of the clients let in; empty lets in any client that knows the
	 * bus's public key
	 */
	public record Curve(String secretKey, List<String> clientKeys) {

		public Curve {
			check("butler.context.bus.curve.secret-key", secretKey);
			clientKeys = (clientKeys != null) ? List.copyOf(clientKeys) : List.of();
			for (int i = 0; i < clientKeys.size(); i++) {
				check("butler.context.bus.curve.client-keys[" + i + "]", clientKeys.get(i));
			}
		}

		private static void check(String property, @Nullable String key) {
			if (key == null || key.length() != 40) {
				throw new ServiceConfigurationException(property, (key != null) ? "(" + key.length() + " characters)" : null,
						"must be a Z85 key of 40 characters, as curve_keygen or ZMQ.Curve.generateKeyPair() gives");
			}
		}

	}

	/**
	 * What each transaction of a context runs.
	 *
	 * @param transactions Transactions of this context started with the application
	 * @param strategy Which services of a transaction are restarted together
	 * @param maxRestarts How many restarts of a transaction's services are made within
	 * restart-within before giving up on them all; butler.supervision.max-restarts if not set
	 * @param restartWithin The period of max-restarts; butler.supervision.restart-within if not set.
	 * If a duration suffix is not specified, milliseconds will be used
	 * @param services The services, by their id in the context, in the order they start
	 */
	public record Definition(List<String> transactions, @DefaultValue("one-for-one") RestartStrategy strategy,
			@Nullable Integer maxRestarts, @DurationUnit(ChronoUnit.MILLIS) @Nullable Duration restartWithin,
			Map<String, Service> services) {

		public Definition {
			transactions = (transactions != null) ? List.copyOf(transactions) : List.of();
			services = (services != null) ? new LinkedHashMap<>(services) : Map.of();
		}

		ContextDefinition toContextDefinition(String name) {
			String prefix = "butler.context.definitions." + name;
			RestartIntensity intensity = null;
			if (this.maxRestarts != null || this.restartWithin != null) {
				if (this.maxRestarts == null || this.restartWithin == null) {
					throw new ServiceConfigurationException(prefix + ".max-restarts", this.maxRestarts,
							"and restart-within are set together or not at all");
				}
				try {
					intensity = new RestartIntensity(this.maxRestarts, this.restartWithin);
				}
				catch (IllegalArgumentException ex) {
					throw new ServiceConfigurationException(prefix + ".max-restarts", this.maxRestarts,
							String.valueOf(ex.getMessage()), ex);
				}
			}
			List<ContextDefinition.Service> list = new ArrayList<>();
			try {
				this.services.forEach((id, service) -> list
					.add(new ContextDefinition.Service(id, service.agent(), service.bean(), service.options())));
				ContextDefinition definition = new ContextDefinition(name, this.strategy, intensity, list);
				for (int i = 0; i < this.transactions.size(); i++) {
					try {
						ContextDefinition.checkTransaction(this.transactions.get(i));
					}
					catch (IllegalArgumentException ex) {
						throw new ServiceConfigurationException(prefix + ".transactions[" + i + "]",
								this.transactions.get(i), String.valueOf(ex.getMessage()), ex);
					}
				}
				return definition;
			}
			catch (ContextDefinitionException ex) {
				String field = ex.field().equals("name") ? "" : ex.field();
				throw new ServiceConfigurationException(prefix + (field.isEmpty() ? "" : "." + field),
						ex.field().equals("name") ? name : null, ex.reason());
			}
		}

	}

	/**
	 * A service of a context: a new one is made for every transaction.
	 *
	 * @param agent Name or uid of the standard service to run, e.g. butler.text.reader; or set bean
	 * @param bean Name of a prototype-scoped bean of the application, annotated with @ButlerService,
	 * that is the service; or set agent
	 * @param options Options of the service, as butler.services.<id> takes them; values may hold
	 * {transaction}, {context} and {service}, and depends-on and trigger targets may name the
	 * context's other services by their id in it
	 */
	public record Service(@Nullable String agent, @Nullable String bean, Map<String, String> options) {

		public Service {
			options = (options != null) ? Map.copyOf(options) : Map.of();
		}

	}

}
