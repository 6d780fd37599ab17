package dev.butler.service;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link ServiceResource} is and has done at one moment: plain data, holding nothing live.
 * The in-process control, {@code /actuator/butler} and the meters read resources only through
 * this interface, so a new kind of resource needs no change there.
 * <p>
 * An implementation is a record: {@code /actuator/butler} lists it, as JSON of its components, under
 * its {@link #group()} (e.g. {@code "pipes"}) in the service's entry. Its {@link #counters()} and
 * {@link #gauges()} become meters named {@code butler.<kind>.<name>}, tagged with the service id,
 * {@code <kind>} = the resource's {@link #name()}, and their own tags.
 */
public interface ResourceSnapshot {

	/**
	 * Groups {@code /actuator/butler} lists for every service, empty if it has no such resource.
	 */
	List<String> STANDARD_GROUPS = List.of("pipes", "queues", "pools");

	/**
	 * Return what kind of resource this is, e.g. {@code pipe} or {@code queue}: the middle of its
	 * meter names and the tag that names it.
	 * @return the kind, lower case
	 */
	String kind();

	/**
	 * Return the resource's name, unique among the service's resources of its kind.
	 * @return the name
	 */
	String name();

	/**
	 * Return the list {@code /actuator/butler} shows the resource in.
	 * @return the group, by default the kind with an {@code s}
	 */
	default String group() {
		return kind() + "s";
	}

	/**
	 * Return the counts for meters.
	 * @return the counts, empty by default
	 */
	default List<Count> counters() {
		return List.of();
	}

	/**
	 * Return the levels for meters: values that go up and down.
	 * @return the levels, empty by default
	 */
	default List<Level> gauges() {
		return List.of();
	}

	/**
	 * A count that only grows, for the meter {@code butler.<kind>.<name>}.
	 *
	 * @param name the last part of the meter name, e.g. {@code messages}
	 * @param tags tags that tell apart counts of the same name, e.g. {@code outcome}; empty if none
	 * @param value the count
	 * @param perRun whether it starts from zero when the service starts again, so that the service
	 * sums it over its runs; {@code false} if the resource keeps it over all runs itself
	 * @param baseUnit the unit, e.g. {@code bytes}, {@code null} for none
	 * @param description what it counts
	 */
	record Count(String name, Map<String, String> tags, long value, boolean perRun, @Nullable String baseUnit,
			String description) {

		/**
		 * Create a count without tags nor unit.
		 * @param name the last part of the meter name
		 * @param value the count
		 * @param perRun whether it starts from zero when the service starts again
		 * @param description what it counts
		 */
		public Count(String name, long value, boolean perRun, String description) {
			this(name, Map.of(), value, perRun, null, description);
		}

		/**
		 * Return this count with another value.
		 * @param newValue the value
		 * @return the count
		 */
		public Count withValue(long newValue) {
			return new Count(this.name, this.tags, newValue, this.perRun, this.baseUnit, this.description);
		}

	}

	/**
	 * A level, for the gauge {@code butler.<kind>.<name>}.
	 *
	 * @param name the last part of the meter name, e.g. {@code backlog}
	 * @param value the level, {@link Double#NaN} if it cannot be told
	 * @param description what it measures
	 */
	record Level(String name, double value, String description) {

	}

}
