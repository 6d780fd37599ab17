package dev.butler.cluster;

/**
 * Where a group of instances keeps its state in etcd, under {@code <prefix>/<group>/}: the election
 * ({@code leader}, whose keys are the candidates' campaigns, the oldest one leading), the leader's
 * {@code ready} flag and the cluster-wide {@code consume} switch.
 *
 * @param prefix the prefix of all keys, e.g. {@code /butler}
 * @param group the group of instances that elect one leader
 */
public record ClusterKeys(String prefix, String group) {

	public ClusterKeys {
		if (!prefix.startsWith("/") || prefix.endsWith("/")) {
			throw new IllegalArgumentException("An etcd key prefix starts with '/' and does not end with one, was '"
					+ prefix + "'");
		}
		if (group.isEmpty() || group.contains("/")) {
			throw new IllegalArgumentException("A cluster group is a name without '/', was '" + group + "'");
		}
	}

	/**
	 * Return the name of the election, under which each candidate's campaign key is.
	 * @return {@code <prefix>/<group>/leader}
	 */
	public String election() {
		return this.prefix + "/" + this.group + "/leader";
	}

	/**
	 * Return the key of the leader's ready flag, whose value is the leader's fencing token.
	 * @return {@code <prefix>/<group>/ready}
	 */
	public String ready() {
		return this.prefix + "/" + this.group + "/ready";
	}

	/**
	 * Return the key of the group's consume switch: {@code false} pauses every instance.
	 * @return {@code <prefix>/<group>/consume}
	 */
	public String consume() {
		return this.prefix + "/" + this.group + "/consume";
	}

	/**
	 * Return the prefix of every key of the group.
	 * @return {@code <prefix>/<group>/}
	 */
	public String groupPrefix() {
		return this.prefix + "/" + this.group + "/";
	}

	/**
	 * Return the key that the leader's scaling signals are written to.
	 * @return {@code <prefix>/<group>/scale}
	 */
	public String scale() {
		return this.prefix + "/" + this.group + "/scale";
	}

}
