package dev.butler.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Decides when an instance must stop counting on its lease: a lease that etcd has not renewed for
 * two thirds of its time to live may expire on the server at any moment after the last third, so a
 * leader steps down then, before another instance can be elected, and never two act at once. The
 * keep-alive renews every third of the time to live, so this allows one renewal to be missed. No
 * thread and no timer: the caller asks, with the clock it gave.
 */
public final class LeaseGuard {

	private final Duration ttl;

	private final Duration patience;

	private final Clock clock;

	private volatile Instant renewedAt;

	private volatile boolean lost;

	private volatile String lostBecause = "";

	/**
	 * Create a guard of a lease granted now.
	 * @param ttl the lease's time to live
	 * @param clock the clock that times renewals
	 */
	public LeaseGuard(Duration ttl, Clock clock) {
		if (ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException("A lease's time to live must be positive, was " + ttl);
		}
		this.ttl = ttl;
		this.patience = ttl.multipliedBy(2).dividedBy(3);
		this.clock = clock;
		this.renewedAt = clock.instant();
	}

	/**
	 * Record that etcd renewed the lease, for the time to live it answered with.
	 * @param ttlLeft the seconds the lease lives on, as etcd answered; zero or less if it is gone
	 */
	public void renewed(long ttlLeft) {
		if (ttlLeft <= 0) {
			lost("etcd answered that the lease is gone");
			return;
		}
		this.renewedAt = this.clock.instant();
	}

	/**
	 * Record that the lease is lost for good, e.g. the keep-alive stream failed.
	 * @param reason why
	 */
	public void lost(String reason) {
		this.lost = true;
		this.lostBecause = reason;
	}

	/**
	 * Return whether the instance must step down now: the lease is lost, or it was not renewed for
	 * two thirds of its time to live.
	 * @return whether to step down
	 */
	public boolean mustStepDown() {
		return this.lost || !this.clock.instant().isBefore(this.renewedAt.plus(this.patience));
	}

	/**
	 * Say why the instance must step down.
	 * @return the reason, empty if it need not
	 */
	public String reason() {
		if (this.lost) {
			return this.lostBecause;
		}
		if (mustStepDown()) {
			return "the lease was not renewed for " + Duration.between(this.renewedAt, this.clock.instant()).toMillis()
					+ " ms, two thirds of its time to live of " + this.ttl.toSeconds() + " s";
		}
		return "";
	}

	/**
	 * Return when the instance must step down unless the lease is renewed before.
	 * @return the instant
	 */
	public Instant stepDownAt() {
		return this.renewedAt.plus(this.patience);
	}

}
