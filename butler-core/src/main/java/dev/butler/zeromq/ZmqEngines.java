package dev.butler.zeromq;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;


/**
 * Finds the ZeroMQ engine to use: JeroMQ, always present, or an engine registered as a
 * {@link ServiceLoader} provider of {@link ZmqEngine}, such as libzmq through the FFM API of Java 22
 * and later. Providers are looked up only on Java 22 and later, so that their classes are never
 * loaded by an older JVM.
 */
public final class ZmqEngines {

	/** The name that picks libzmq when it is present and usable, else JeroMQ. */
	public static final String AUTO = "auto";

	/** The name of the pure Java engine. */
	public static final String JEROMQ = "jeromq";

	private static final Log logger = LogFactory.getLog(ZmqEngines.class);

	/** The first Java release with the final FFM API, which native engines need. */
	private static final int NATIVE_ENGINES_SINCE = 22;

	private ZmqEngines() {
	}

	/**
	 * Return the engine of a name.
	 * @param name {@code auto}, {@code jeromq} or the name of a provided engine, e.g. {@code libzmq}
	 * @return the engine
	 * @throws IllegalArgumentException if no usable engine has that name, saying which there are and,
	 * for one that could not be loaded, why
	 */
	public static ZmqEngine select(String name) {
		String wanted = name.trim().toLowerCase(Locale.ROOT);
		if (wanted.equals(JEROMQ)) {
			return JeroMqEngine.INSTANCE;
		}
		List<String> problems = new ArrayList<>();
		List<ZmqEngine> provided = provided(problems);
		if (wanted.equals(AUTO)) {
			return provided.isEmpty() ? JeroMqEngine.INSTANCE : provided.get(0);
		}
		for (ZmqEngine engine : provided) {
			if (engine.name().equals(wanted)) {
				return engine;
			}
		}
		List<String> names = new ArrayList<>(List.of(AUTO, JEROMQ));
		provided.forEach((engine) -> names.add(engine.name()));
		StringBuilder message = new StringBuilder("No usable ZeroMQ engine '" + name + "'; usable here: "
				+ String.join(", ", names));
		if (Runtime.version().feature() < NATIVE_ENGINES_SINCE) {
			message.append(" (native engines need Java " + NATIVE_ENGINES_SINCE + " or later, this is Java "
					+ Runtime.version().feature() + ")");
		}
		problems.forEach((problem) -> message.append("; ").append(problem));
		throw new IllegalArgumentException(message.toString());
	}

	private static List<ZmqEngine> provided(List<String> problems) {
		List<ZmqEngine> engines = new ArrayList<>();
		if (Runtime.version().feature() < NATIVE_ENGINES_SINCE) {
			return engines;
		}
		try {
			for (ServiceLoader.Provider<ZmqEngine> provider : ServiceLoader.load(ZmqEngine.class,
					ZmqEngines.class.getClassLoader()).stream().toList()) {
				try {
					engines.add(provider.get());
				}
				catch (ServiceConfigurationError | LinkageError ex) {
					String problem = provider.type().getName() + " is not usable: " + rootMessage(ex);
					logger.debug(problem, ex);
					problems.add(problem);
				}
			}
		}
		catch (ServiceConfigurationError | LinkageError ex) {
			logger.debug("ZeroMQ engines could not be listed", ex);
			problems.add("engines could not be listed: " + rootMessage(ex));
		}
		return engines;
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

}
