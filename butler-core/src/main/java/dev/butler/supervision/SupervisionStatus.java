package dev.butler.supervision;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.butler.control.RunEnding;

/**
 * What a {@link Supervisor} knows of one service at one moment.
 *
 * @param restart the service's restart type
 * @param phase where the supervisor is with the service
 * @param attempt the number of the pending or last restart since the backoff was last reset, 0 if none
 * @param nextAttempt when the pending restart is due, {@code null} unless {@link Phase#RESTARTING}
 * @param lastEnding how the last run ended, {@code null} if none ended yet
 * @param lastEndedAt when the last run ended, {@code null} if none ended yet
 * @param gaveUpBecause why the supervisor gave up, {@code null} unless {@link Phase#GAVE_UP}
 * @param restarts restarts made or scheduled since the application started, by how the run before
 * ended
 * @param giveUps times the supervisor gave up on the service, by how the last run ended
 */
public record SupervisionStatus(RestartType restart, Phase phase, int attempt, @Nullable Instant nextAttempt,
		@Nullable RunEnding lastEnding, @Nullable Instant lastEndedAt, @Nullable String gaveUpBecause,
		Map<RunEnding, Long> restarts, Map<RunEnding, Long> giveUps) {

	public SupervisionStatus {
		restarts = Map.copyOf(restarts);
		giveUps = Map.copyOf(giveUps);
	}

	static SupervisionStatus initial(RestartType restart) {
		return new SupervisionStatus(restart, Phase.STOPPED, 0, null, null, null, null, Map.of(), Map.of());
	}

	/**
	 * Return all restarts made or scheduled since the application started.
	 * @return the number of restarts
	 */
	public long totalRestarts() {
		return this.restarts.values().stream().mapToLong(Long::longValue).sum();
	}

	SupervisionStatus running() {
		return new SupervisionStatus(this.restart, Phase.RUNNING, this.attempt, null, this.lastEnding,
				this.lastEndedAt, null, this.restarts, this.giveUps);
	}

	SupervisionStatus restarting(RunEnding ending, Instant endedAt, int attempt, Instant at) {
		return new SupervisionStatus(this.restart, Phase.RESTARTING, attempt, at, ending, endedAt, null,
				plusOne(this.restarts, ending), this.giveUps);
	}

	SupervisionStatus stopped(@Nullable RunEnding ending, @Nullable Instant endedAt) {
		return new SupervisionStatus(this.restart, Phase.STOPPED, this.attempt, null, ending, endedAt, null,
				this.restarts, this.giveUps);
	}

	SupervisionStatus gaveUp(RunEnding ending, Instant endedAt, String reason) {
		return new SupervisionStatus(this.restart, Phase.GAVE_UP, this.attempt, null, ending, endedAt, reason,
				this.restarts, plusOne(this.giveUps, ending));
	}

	private static Map<RunEnding, Long> plusOne(Map<RunEnding, Long> counts, RunEnding ending) {
		Map<RunEnding, Long> more = new EnumMap<>(RunEnding.class);
		more.putAll(counts);
		more.merge(ending, 1L, Long::sum);
		return more;
	}

	/**
	 * Where a supervisor is with a service.
	 */
	public enum Phase {

		/** Started, or being started, and watched. */
		RUNNING,

		/** Ended; a restart is scheduled at {@link SupervisionStatus#nextAttempt()}. */
		RESTARTING,

		/**
		 * Not started yet, or ended and left so: stopped on request, or its restart type does not
		 * restart it after that end.
		 */
		STOPPED,

		/** Ended too often: restarting it would exceed its restart intensity, so it is left down. */
		GAVE_UP

	}

}
