package dev.butler.context;

import java.util.List;

/**
 * The state of one transaction of a context, as the bus publishes it on its {@code state} topic
 * and the {@code butler} endpoint shows it.
 *
 * @param context the context's name
 * @param transaction the transaction
 * @param group the supervision group of its services
 * @param services its services, in the order they start
 */
public record ContextState(String context, String transaction, String group, List<ServiceState> services) {

	public ContextState {
		services = List.copyOf(services);
	}

	/**
	 * The state of one service of a transaction.
	 *
	 * @param id its id in the context
	 * @param serviceId its id in the application
	 * @param name the name of its agent
	 * @param instance the class that implements it
	 * @param pid the process it runs in: the JVM's, or its command's for an external command
	 * @param state its ICCP state, e.g. {@code RUNNING}, {@code FINISHED}
	 * @param outcome the outcome of its last run, e.g. {@code OK}, {@code ERROR}
	 * @param details the outcome's details
	 */
	public record ServiceState(String id, String serviceId, String name, String instance, long pid, String state,
			String outcome, List<String> details) {

		public ServiceState {
			details = List.copyOf(details);
		}

	}

}
