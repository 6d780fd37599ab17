package dev.butler.supervision;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link Supervisor} knows of one group at one moment.
 *
 * @param name the group's name
 * @param strategy which members are restarted together
 * @param members its services and nested groups, in the order they start
 * @param parent the group it is nested in, {@code null} if none
 * @param restarts group restarts made since the application started
 * @param restarting whether a group restart is due
 * @param gaveUpBecause why the supervisor gave up on the group, {@code null} unless it did
 */
public record GroupStatus(String name, RestartStrategy strategy, List<String> members, @Nullable String parent,
		long restarts, boolean restarting, @Nullable String gaveUpBecause) {

	public GroupStatus {
		members = List.copyOf(members);
	}

}
