package dev.butler.queue;

import java.util.List;

import dev.butler.control.ButlerComponent;

/**
 * Reading directory queues from a component, for queue tests.
 */
public final class QueueTestSupport {

	private QueueTestSupport() {
	}

	/**
	 * Return the directory queues of a component's current run, as {@code /actuator/butler} lists
	 * them.
	 */
	public static List<QueueSnapshot> queues(ButlerComponent component) {
		return component.resources()
			.stream()
			.filter(QueueSnapshot.class::isInstance)
			.map(QueueSnapshot.class::cast)
			.toList();
	}

}
