package dev.butler.context;

import java.util.List;

/**
 * Runs the transactions of contexts; what the {@link ContextBus} asks for. Each method returns the
 * transaction's state after the action, or throws with a message that says what is wrong (an
 * unknown transaction or service, a failed start), which the bus sends back as the error.
 */
public interface ContextControl {

	/**
	 * Start a transaction of a defined context, or the services of a running one that do not run.
	 * @param transaction the transaction
	 * @param context the name of the defined context
	 * @return the transaction's state
	 * @throws IllegalArgumentException if there is no such context, or the transaction runs
	 * another context
	 */
	ContextState start(String transaction, String context);

	/**
	 * Start a transaction of a context defined in the request, or the services of a running one
	 * that do not run.
	 * @param transaction the transaction
	 * @param definition what the transaction runs
	 * @return the transaction's state
	 * @throws IllegalArgumentException if the transaction runs another context
	 */
	ContextState start(String transaction, ContextDefinition definition);

	/**
	 * Start the services of a running transaction that do not run.
	 * @param transaction the transaction
	 * @return the transaction's state
	 * @throws IllegalArgumentException if there is no such transaction
	 */
	ContextState start(String transaction);

	/**
	 * Stop every service of a transaction, last first, and remove them: the transaction ends.
	 * @param transaction the transaction
	 * @return the transaction's state once stopped
	 * @throws IllegalArgumentException if there is no such transaction
	 */
	ContextState stop(String transaction);

	/**
	 * Stop every service of a transaction, last first, then start them in order.
	 * @param transaction the transaction
	 * @return the transaction's state
	 * @throws IllegalArgumentException if there is no such transaction
	 */
	ContextState restart(String transaction);

	/**
	 * Act on one service of a transaction.
	 * @param transaction the transaction
	 * @param service the service's id in the context
	 * @param action what to do
	 * @return the transaction's state
	 * @throws IllegalArgumentException if there is no such transaction or service
	 */
	ContextState act(String transaction, String service, ContextAction action);

	/**
	 * Return the state of a transaction.
	 * @param transaction the transaction
	 * @return its state
	 * @throws IllegalArgumentException if there is no such transaction
	 */
	ContextState state(String transaction);

	/**
	 * Return the state of every running transaction, in the order they started.
	 * @return the states
	 */
	List<ContextState> states();

}
