package dev.butler.supervision;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link Supervisor} knows of one trigger at one moment.
 *
 * @param trigger the trigger
 * @param fired how often it fired
 * @param failed how often its action failed
 * @param lastFiredAt when it last fired, {@code null} if never
 * @param lastResult what its last action gave: {@code OK} or why it failed; {@code null} if it
 * never fired
 * @param suspendedBecause why it no longer fires, {@code null} while it does
 */
public record TriggerStatus(Trigger trigger, long fired, long failed, @Nullable Instant lastFiredAt,
		@Nullable String lastResult, @Nullable String suspendedBecause) {

}
