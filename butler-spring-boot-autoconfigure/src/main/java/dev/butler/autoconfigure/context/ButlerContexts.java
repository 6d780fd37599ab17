package dev.butler.autoconfigure.context;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import dev.butler.autoconfigure.ButlerServices;
import dev.butler.context.ContextAction;
import dev.butler.context.ContextControl;
import dev.butler.context.ContextDefinition;
import dev.butler.context.ContextState;
import dev.butler.control.ManagedMicroService;
import dev.butler.service.MicroService;
import dev.butler.standard.StandardServices;
import dev.butler.standard.command.CommandService;

/**
 * Runs the transactions of contexts: for each, a new instance of every service of its context,
 * with the context's options as the transaction derives them (a property source of its own under
 * {@code butler.services.<service>-<transaction>.*}), added to the application as one supervision
 * group named {@code <context>-<transaction>}. Transactions are started by the control bus, by
 * this bean's methods, and with the application for those listed under
 * {@code butler.context.definitions.<name>.transactions}; they are stopped with the application,
 * last started first.
 */
public final class ButlerContexts implements ContextControl, SmartLifecycle, ApplicationListener<ContextRefreshedEvent> {

	private static final Log logger = LogFactory.getLog(ButlerContexts.class);

	private final ConfigurableApplicationContext application;

	private final ButlerServices services;

	private final Map<String, ContextDefinition> definitions;

	private final Map<String, List<String>> startedWithApplication;

	/** The running transactions, by their id in lower case, in the order they started. */
	private final Map<String, Transaction> transactions = Collections.synchronizedMap(new LinkedHashMap<>());

	/** Held while a transaction or one of its services is started or stopped, one at a time. */
	private final Object actions = new Object();

	private volatile boolean running;

	/**
	 * Create the contexts of an application.
	 * @param application the application, whose environment takes the transactions' options
	 * @param services adds and removes the services of transactions
	 * @param properties the defined contexts
	 */
	public ButlerContexts(ConfigurableApplicationContext application, ButlerServices services,
			ButlerContextProperties properties) {
		this.application = application;
		this.services = services;
		this.definitions = inDeclaredOrder(properties.contextDefinitions(), application.getEnvironment());
		Map<String, List<String>> started = new LinkedHashMap<>();
		properties.definitions().forEach((name, definition) -> started.put(name, definition.transactions()));
		this.startedWithApplication = started;
	}

	/**
	 * Put the services of each definition in the order the configuration declares them: in the
	 * least significant property source that names them (as {@code application.yml} does), as a
	 * bound map is ordered by the most significant one, where a single overridden option would put
	 * its service first.
	 */
	private static Map<String, ContextDefinition> inDeclaredOrder(Map<String, ContextDefinition> definitions,
			ConfigurableEnvironment environment) {
		List<ConfigurationPropertySource> sources = new ArrayList<>();
		ConfigurationPropertySources.get(environment).forEach(sources::add);
		Collections.reverse(sources);
		Map<String, ContextDefinition> ordered = new LinkedHashMap<>();
		definitions.forEach((name, definition) -> {
			ConfigurationPropertyName prefix = ConfigurationPropertyName
				.of("butler.context.definitions." + name + ".services");
			List<String> declared = new ArrayList<>();
			for (ConfigurationPropertySource source : sources) {
				if (source instanceof IterableConfigurationPropertySource iterable) {
					iterable.stream()
						.filter(prefix::isAncestorOf)
						.map((property) -> property.getElement(prefix.getNumberOfElements(), Form.ORIGINAL))
						.filter((id) -> !declared.contains(id))
						.forEach(declared::add);
				}
			}
			List<ContextDefinition.Service> services = new ArrayList<>(definition.services());
			services.sort(Comparator.comparingInt((service) -> declared.contains(service.id())
					? declared.indexOf(service.id()) : Integer.MAX_VALUE));
			ordered.put(name,
					new ContextDefinition(definition.name(), definition.strategy(), definition.intensity(), services));
		});
		return ordered;
	}

	/**
	 * Return the defined contexts.
	 * @return the definitions by name
	 */
	public Map<String, ContextDefinition> definitions() {
		return Collections.unmodifiableMap(this.definitions);
	}

	@Override
	public ContextState start(String transaction, String context) {
		ContextDefinition definition = this.definitions.get(context);
		if (definition == null) {
			throw new IllegalArgumentException("There is no context '" + context + "'; defined: "
					+ (this.definitions.isEmpty() ? "none" : String.join(", ", this.definitions.keySet())));
		}
		return start(transaction, definition);
	}

	@Override
	public ContextState start(String transaction, ContextDefinition definition) {
		synchronized (this.actions) {
			ContextDefinition.checkTransaction(transaction);
			Transaction running = this.transactions.get(key(transaction));
			if (running != null) {
				if (!running.definition.name().equals(definition.name())) {
					throw new IllegalArgumentException("Transaction " + running.id + " runs context '"
							+ running.definition.name() + "', not '" + definition.name() + "'");
				}
				this.services.startGroup(running.group);
				return running.state();
			}
			Map<String, Map<String, String>> options = definition.optionsFor(transaction);
			checkAddressesDiffer(transaction, definition, options);
			Map<String, MicroService<?>> instances = new LinkedHashMap<>();
			for (ContextDefinition.Service service : definition.services()) {
				instances.put(ContextDefinition.serviceId(service.id(), transaction), instance(definition, service));
			}
			MapPropertySource source = propertySource(transaction, options);
			this.application.getEnvironment().getPropertySources().addLast(source);
			String group = definition.name() + "-" + transaction;
			List<ManagedMicroService> added;
			try {
				added = this.services.addGroup(group, definition.strategy(), definition.intensity(), instances);
			}
			catch (RuntimeException ex) {
				this.application.getEnvironment().getPropertySources().remove(source.getName());
				throw ex;
			}
			Transaction started = new Transaction(transaction, definition, group, source.getName(), added);
			this.transactions.put(key(transaction), started);
			logger.info("Context '" + definition.name() + "' started transaction " + transaction + ": "
					+ added.stream().map(ManagedMicroService::id).toList());
			return started.state();
		}
	}

	@Override
	public ContextState start(String transaction) {
		synchronized (this.actions) {
			Transaction running = existing(transaction);
			this.services.startGroup(running.group);
			return running.state();
		}
	}

	@Override
	public ContextState stop(String transaction) {
		synchronized (this.actions) {
			Transaction running = existing(transaction);
			this.services.removeGroup(running.group);
			this.application.getEnvironment().getPropertySources().remove(running.propertySource);
			this.transactions.remove(key(transaction));
			logger.info("Context '" + running.definition.name() + "' ended transaction " + running.id);
			return running.state();
		}
	}

	@Override
	public ContextState restart(String transaction) {
		synchronized (this.actions) {
			Transaction running = existing(transaction);
			this.services.restartGroup(running.group);
			return running.state();
		}
	}

	@Override
	public ContextState act(String transaction, String service, ContextAction action) {
		synchronized (this.actions) {
			Transaction running = existing(transaction);
			ManagedMicroService managed = running.service(service);
			switch (action) {
				case START -> managed.start();
				case STOP -> managed.stop();
				case RESTART -> {
					managed.stop();
					managed.start();
				}
				case REQUEST -> {
				}
			}
			return running.state();
		}
	}

	@Override
	public ContextState state(String transaction) {
		return existing(transaction).state();
	}

	@Override
	public List<ContextState> states() {
		List<Transaction> running;
		synchronized (this.transactions) {
			running = List.copyOf(this.transactions.values());
		}
		return running.stream().map(Transaction::state).toList();
	}

	/**
	 * Start the transactions listed under {@code butler.context.definitions.<name>.transactions}
	 * once the application has started its services.
	 */
	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		if (event.getApplicationContext() != this.application) {
			return;
		}
		this.startedWithApplication.forEach((context, ids) -> ids.forEach((transaction) -> start(transaction, context)));
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * End every transaction, last started first, before the application stops its services.
	 */
	@Override
	public void stop() {
		this.running = false;
		List<Transaction> started;
		synchronized (this.transactions) {
			started = new ArrayList<>(this.transactions.values());
		}
		Collections.reverse(started);
		for (Transaction transaction : started) {
			try {
				stop(transaction.id);
			}
			catch (RuntimeException ex) {
				logger.warn("Context '" + transaction.definition.name() + "' did not end transaction " + transaction.id
						+ " cleanly", ex);
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 2000;
	}

	private Transaction existing(String transaction) {
		Transaction running = this.transactions.get(key(transaction));
		if (running == null) {
			List<String> ids;
			synchronized (this.transactions) {
				ids = this.transactions.values().stream().map((t) -> t.id).toList();
			}
			throw new IllegalArgumentException("There is no transaction " + transaction + "; running: "
					+ (ids.isEmpty() ? "none" : String.join(", ", ids)));
		}
		return running;
	}

	private static String key(String transaction) {
		return transaction.toLowerCase(Locale.ROOT);
	}

	/**
	 * Refuse a transaction whose options give an address that a running transaction of the same
	 * context uses already: the option lacks {transaction}, and binding it twice would fail.
	 */
	private void checkAddressesDiffer(String transaction, ContextDefinition definition,
			Map<String, Map<String, String>> options) {
		for (Transaction other : List.copyOf(this.transactions.values())) {
			if (!other.definition.name().equals(definition.name())) {
				continue;
			}
			List<Map<String, String>> theirs = new ArrayList<>(definition.optionsFor(other.id).values());
			List<Map<String, String>> ours = new ArrayList<>(options.values());
			List<String> serviceIds = definition.serviceIds();
			for (int i = 0; i < serviceIds.size(); i++) {
				for (Map.Entry<String, String> option : ours.get(i).entrySet()) {
					if (option.getValue().contains("://") && option.getValue().equals(theirs.get(i).get(option.getKey()))) {
						throw new IllegalArgumentException("Option " + option.getKey() + " of service '"
								+ serviceIds.get(i) + "' of context '" + definition.name() + "' is "
								+ option.getValue() + " in transactions " + other.id + " and " + transaction
								+ " alike; put {transaction} in it so that each transaction has its own");
					}
				}
			}
		}
	}

	private MicroService<?> instance(ContextDefinition definition, ContextDefinition.Service service) {
		ConfigurableListableBeanFactory beanFactory = this.application.getBeanFactory();
		String where = "Service '" + service.id() + "' of context '" + definition.name() + "'";
		String agent = service.agent();
		if (agent != null) {
			Class<?> type = StandardServices.find(agent)
				.orElseThrow(() -> new IllegalArgumentException(where + " names agent '" + agent
						+ "', which no standard service has as name or uid; known: "
						+ String.join(", ", StandardServices.names())));
			return (MicroService<?>) beanFactory.createBean(type);
		}
		String bean = Objects.requireNonNull(service.bean());
		try {
			if (!beanFactory.isPrototype(bean)) {
				throw new IllegalArgumentException(where + " names bean '" + bean
						+ "', which is not prototype-scoped: each transaction needs a new service; declare it "
						+ "with @Scope(\"prototype\")");
			}
			Object instance = beanFactory.getBean(bean);
			if (!(instance instanceof MicroService<?> microService)) {
				throw new IllegalArgumentException(where + " names bean '" + bean + "', which is a "
						+ instance.getClass().getName() + ", not a " + MicroService.class.getName());
			}
			return microService;
		}
		catch (NoSuchBeanDefinitionException ex) {
			throw new IllegalArgumentException(where + " names bean '" + bean + "', which does not exist", ex);
		}
	}

	private static MapPropertySource propertySource(String transaction, Map<String, Map<String, String>> options) {
		Map<String, Object> properties = new LinkedHashMap<>();
		options.forEach((id, serviceOptions) -> serviceOptions
			.forEach((key, value) -> properties.put("butler.services." + id + "." + key, value)));
		return new MapPropertySource("butlerContextTransaction." + transaction, properties);
	}

	private static long pid(ManagedMicroService service) {
		if ((Object) service.definition().service() instanceof CommandService command) {
			return command.pid().orElse(-1);
		}
		return ProcessHandle.current().pid();
	}

	private static final class Transaction {

		private final String id;

		private final ContextDefinition definition;

		private final String group;

		private final String propertySource;

		private final Map<String, ManagedMicroService> services = new LinkedHashMap<>();

		Transaction(String id, ContextDefinition definition, String group, String propertySource,
				List<ManagedMicroService> services) {
			this.id = id;
			this.definition = definition;
			this.group = group;
			this.propertySource = propertySource;
			List<String> ids = definition.serviceIds();
			for (int i = 0; i < ids.size(); i++) {
				this.services.put(ids.get(i), services.get(i));
			}
		}

		ManagedMicroService service(String id) {
			ManagedMicroService service = this.services.get(id);
			if (service == null) {
				throw new IllegalArgumentException("Context '" + this.definition.name() + "' has no service '" + id
						+ "'; its services: " + String.join(", ", this.services.keySet()));
			}
			return service;
		}

		ContextState state() {
			List<ContextState.ServiceState> states = new ArrayList<>();
			this.services.forEach((id, service) -> states.add(new ContextState.ServiceState(id, service.id(),
					service.agent().name(), service.definition().service().getClass().getName(), pid(service),
					service.state().name(), service.outcome().name(), service.details())));
			return new ContextState(this.definition.name(), this.id, this.group, states);
		}

	}

}
