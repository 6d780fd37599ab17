package dev.butler.cluster;

import org.jspecify.annotations.Nullable;

/**
 * Decides when a group should have more instances or fewer, from its backlog, with hysteresis: a
 * backlog at or above the high-water mark asks for one more instance, one at or below the low-water
 * mark for one fewer, and a signal is given again only after the backlog crossed to the other mark.
 * Between the marks nothing changes. No thread and no clock: the caller asks with each reading.
 */
public final class BacklogScaler {

	private final long highWater;

	private final long lowWater;

	private @Nullable ScaleSignal last;

	/**
	 * Create a scaler.
	 * @param highWater the backlog at or above which one more instance is asked for
	 * @param lowWater the backlog at or below which one fewer is asked for, below the high mark
	 */
	public BacklogScaler(long highWater, long lowWater) {
		if (lowWater < 0 || lowWater >= highWater) {
			throw new IllegalArgumentException(
					"The low-water mark must be 0 or more and below the high-water mark, was " + lowWater + " and "
							+ highWater);
		}
		this.highWater = highWater;
		this.lowWater = lowWater;
	}

	/**
	 * Take a reading of the backlog.
	 * @param backlog the backlog of the whole group
	 * @return the signal to give now, or {@code null} for none
	 */
	public synchronized @Nullable ScaleSignal decide(long backlog) {
		ScaleSignal signal = null;
		if (backlog >= this.highWater && this.last != ScaleSignal.UP) {
			signal = ScaleSignal.UP;
		}
		else if (backlog <= this.lowWater && this.last == ScaleSignal.UP) {
			signal = ScaleSignal.DOWN;
		}
		if (signal != null) {
			this.last = signal;
		}
		return signal;
	}

	/**
	 * What a group is asked to do.
	 */
	public enum ScaleSignal {

		/** Add an instance: the backlog reached the high-water mark. */
		UP,

		/** Remove an instance: the backlog fell to the low-water mark after it was high. */
		DOWN

	}

}
