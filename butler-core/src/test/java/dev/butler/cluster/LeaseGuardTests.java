package dev.butler.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link LeaseGuard}: when a leader must step down, timed by a clock the test moves.
 */
class LeaseGuardTests {

	private final MovableClock clock = new MovableClock();

	private final LeaseGuard guard = new LeaseGuard(Duration.ofSeconds(15), this.clock);

	@Test
	void leaseRenewedInTimeShouldBeKept() {
		this.clock.advance(Duration.ofSeconds(5));
		this.guard.renewed(15);
		this.clock.advance(Duration.ofSeconds(9));
		assertThat(this.guard.mustStepDown()).isFalse();
		assertThat(this.guard.reason()).isEmpty();
		assertThat(this.guard.stepDownAt()).isEqualTo(this.clock.instant().plusSeconds(1));
	}

	@Test
	void leaseNotRenewedForTwoThirdsOfItsTimeToLiveShouldBeGivenUpBeforeItExpires() {
		this.clock.advance(Duration.ofMillis(9999));
		assertThat(this.guard.mustStepDown()).isFalse();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.guard.mustStepDown()).isTrue();
		assertThat(this.guard.reason())
			.isEqualTo("the lease was not renewed for 10000 ms, two thirds of its time to live of 15 s");
	}

	@Test
	void leaseThatEtcdSaysIsGoneShouldBeGivenUpAtOnce() {
		this.guard.renewed(0);
		assertThat(this.guard.mustStepDown()).isTrue();
		assertThat(this.guard.reason()).isEqualTo("etcd answered that the lease is gone");
		this.guard.renewed(15);
		assertThat(this.guard.mustStepDown()).as("a lost lease stays lost").isTrue();
	}

	@Test
	void leaseWhoseKeepAliveFailedShouldBeGivenUp() {
		this.guard.lost("the keep-alive of the lease failed: UNAVAILABLE");
		assertThat(this.guard.mustStepDown()).isTrue();
		assertThat(this.guard.reason()).isEqualTo("the keep-alive of the lease failed: UNAVAILABLE");
	}

	@Test
	void timeToLiveMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new LeaseGuard(Duration.ZERO, this.clock))
			.withMessage("A lease's time to live must be positive, was PT0S");
	}

	private static final class MovableClock extends Clock {

		private Instant now = Instant.parse("2026-12-04T10:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
