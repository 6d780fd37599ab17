package dev.butler.cluster;

import org.springframework.context.ApplicationEvent;

/**
 * Published by the leader of a group when the group banishes messages faster than
 * {@code butler.cluster.dead-letters} allows.
 */
public class DeadLetterAlarmEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final String group;

	private final String reason;

	/**
	 * Create an event.
	 * @param source what published it
	 * @param group the group
	 * @param reason how many messages were banished in what time
	 */
	public DeadLetterAlarmEvent(Object source, String group, String reason) {
		super(source);
		this.group = group;
		this.reason = reason;
	}

	/**
	 * Return the group.
	 * @return the group
	 */
	public String getGroup() {
		return this.group;
	}

	/**
	 * Return how many messages were banished in what time.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
