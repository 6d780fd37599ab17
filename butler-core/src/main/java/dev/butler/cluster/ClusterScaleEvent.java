package dev.butler.cluster;

import org.springframework.context.ApplicationEvent;

import dev.butler.cluster.BacklogScaler.ScaleSignal;

/**
 * Published by the leader of a group when its backlog asks for one more instance or one fewer.
 */
public class ClusterScaleEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final String group;

	private final ScaleSignal signal;

	private final long backlog;

	private final int members;

	/**
	 * Create an event.
	 * @param source what published it
	 * @param group the group
	 * @param signal what the group is asked to do
	 * @param backlog the group's backlog
	 * @param members how many instances the group has
	 */
	public ClusterScaleEvent(Object source, String group, ScaleSignal signal, long backlog, int members) {
		super(source);
		this.group = group;
		this.signal = signal;
		this.backlog = backlog;
		this.members = members;
	}

	/**
	 * Return the group.
	 * @return the group
	 */
	public String getGroup() {
		return this.group;
	}

	/**
	 * Return what the group is asked to do.
	 * @return the signal
	 */
	public ScaleSignal getSignal() {
		return this.signal;
	}

	/**
	 * Return the group's backlog when the signal was given.
	 * @return the backlog
	 */
	public long getBacklog() {
		return this.backlog;
	}

	/**
	 * Return how many instances the group had.
	 * @return the number of members
	 */
	public int getMembers() {
		return this.members;
	}

	@Override
	public String toString() {
		return "group '" + this.group + "' scale " + this.signal.name().toLowerCase() + " (backlog " + this.backlog
				+ ", " + this.members + " instances)";
	}

}
