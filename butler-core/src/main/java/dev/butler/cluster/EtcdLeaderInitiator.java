package dev.butler.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.LeaderEventPublisher;

import dev.butler.runtime.ButlerThreads;

/**
 * Elects one leader among the instances of a group through etcd, with etcd's election recipe: each
 * instance campaigns with a key under a lease of its own, kept alive, and the instance whose key
 * is the oldest leads. Gives leadership to a Spring Integration {@link Candidate} and publishes
 * Spring Integration's leader events, as its {@code LockRegistryLeaderInitiator} does, so that a
 * {@code SmartLifecycleRoleController} works with it.
 * <ul>
 * <li>A leader whose lease is not renewed for two thirds of its time to live steps down (revoked,
 * then a new campaign), before the lease can expire and another instance be elected
 * ({@link LeaseGuard}).</li>
 * <li>On stop, or when the candidate yields, it resigns: its key is deleted at once and the next
 * instance leads within milliseconds.</li>
 * <li>A lost connection or a failed campaign is retried after {@code retryDelay}, with a new
 * lease.</li>
 * </ul>
 * The campaign, the candidate's callbacks and the checks run on the initiator's thread,
 * {@code butler-leader-<group>}.
 */
public final class EtcdLeaderInitiator implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(EtcdLeaderInitiator.class);

	private static final long CHECK_MILLIS = 50;

	private static final long REQUEST_SECONDS = 10;

	private final Client client;

	private final ClusterKeys keys;

	private final Candidate candidate;

	private final String proposal;

	private final Duration ttl;

	private final Duration retryDelay;

	private final ButlerThreads threads;

	private final Clock clock;

	private final Object monitor = new Object();

	private @Nullable LeaderEventPublisher publisher;

	private volatile boolean running;

	private volatile @Nullable EtcdLeadership leadership;

	private volatile @Nullable EtcdLeadership yielding;

	private @Nullable Thread thread;

	/**
	 * Create an initiator.
	 * @param client the etcd client, with every endpoint of the cluster
	 * @param keys where the group's election is
	 * @param candidate who is given leadership
	 * @param proposal the value of the instance's campaign key: who it is and where
	 * @param ttl the time to live of the instance's lease
	 * @param retryDelay how long to wait before campaigning again after a failure
	 * @param threads starts the initiator's thread
	 * @param clock times the lease's renewals
	 */
	public EtcdLeaderInitiator(Client client, ClusterKeys keys, Candidate candidate, String proposal, Duration ttl,
			Duration retryDelay, ButlerThreads threads, Clock clock) {
		if (ttl.toSeconds() < 2) {
			throw new IllegalArgumentException("A lease lives 2 s or more, was " + ttl);
		}
		this.client = client;
		this.keys = keys;
		this.candidate = candidate;
		this.proposal = proposal;
		this.ttl = ttl;
		this.retryDelay = retryDelay;
		this.threads = threads;
		this.clock = clock;
	}

	/**
	 * Publish Spring Integration's leader events through this publisher.
	 * @param publisher the publisher
	 */
	public void setLeaderEventPublisher(LeaderEventPublisher publisher) {
		this.publisher = publisher;
	}

	/**
	 * Return the current term of leadership, if this instance leads.
	 * @return the leadership, or {@code null} if it does not lead
	 */
	public @Nullable EtcdLeadership leadership() {
		EtcdLeadership current = this.leadership;
		return (current != null && current.isLeader()) ? current : null;
	}

	/**
	 * Return the context of this instance, leader or not, as Spring Integration's initiators do.
	 * @return the context
	 */
	public Context getContext() {
		EtcdLeadership current = leadership();
		return (current != null) ? current : new Context() {

			@Override
			public boolean isLeader() {
				return false;
			}

			@Override
			public String getRole() {
				return EtcdLeaderInitiator.this.keys.group();
			}

		};
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.running) {
				return;
			}
			this.running = true;
			this.thread = this.threads.start("butler-leader-" + this.keys.group(), true, this::campaignWhileRunning);
		}
	}

	@Override
	public void stop() {
		Thread current;
		synchronized (this.monitor) {
			if (!this.running) {
				return;
			}
			this.running = false;
			this.monitor.notifyAll();
			current = this.thread;
		}
		if (current != null) {
			try {
				current.join(TimeUnit.SECONDS.toMillis(REQUEST_SECONDS));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	void yieldLeadership(EtcdLeadership term) {
		synchronized (this.monitor) {
			this.yielding = term;
			this.monitor.notifyAll();
		}
	}

	private void campaignWhileRunning() {
		while (this.running) {
			try {
				campaignOnce();
			}
			catch (RuntimeException ex) {
				logger.warn("Group '" + this.keys.group() + "': campaign failed (" + ex.getMessage() + "); again in "
						+ this.retryDelay.toMillis() + " ms");
				pause(this.retryDelay.toMillis());
			}
		}
	}

	/**
	 * Take a lease, campaign until elected or the lease is in doubt, lead until the term ends, and
	 * give the lease back.
	 */
	private void campaignOnce() {
		KeptLease lease = KeptLease.grant(this.client, this.ttl, this.clock);
		LeaseGuard guard = lease.guard();
		boolean resign = true;
		try {
			CompletableFuture<CampaignResponse> campaign = this.client.getElectionClient()
				.campaign(EtcdCalls.bytes(this.keys.election()), lease.id(), EtcdCalls.bytes(this.proposal));
			CampaignResponse won = null;
			while (won == null) {
				lease.reopenIfBroken();
				if (!this.running || guard.mustStepDown()) {
					campaign.cancel(true);
					if (this.running) {
						logger.warn("Group '" + this.keys.group() + "': " + guard.reason() + "; campaigning again");
					}
					return;
				}
				try {
					won = campaign.get(CHECK_MILLIS, TimeUnit.MILLISECONDS);
				}
				catch (TimeoutException ex) {
					// Still a follower.
				}
				catch (ExecutionException ex) {
					throw new ClusterException("campaign of group '" + this.keys.group() + "' failed: "
							+ ((ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage()), ex);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
			resign = lead(new EtcdLeadership(this, this.client, this.keys, won.getLeader(), guard), lease);
		}
		finally {
			if (resign) {
				lease.revoke();
			}
			else {
				lease.close();
			}
		}
	}

	/**
	 * Lead until stopped, yielding, or the lease in doubt.
	 * @return whether to give the lease back: not if it is in doubt (etcd may be unreachable)
	 */
	private boolean lead(EtcdLeadership term, KeptLease lease) {
		LeaseGuard guard = lease.guard();
		this.leadership = term;
		logger.info("Group '" + this.keys.group() + "': this instance leads (fencing token " + term.fencingToken() + ")");
		try {
			this.candidate.onGranted(term);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		LeaderEventPublisher events = this.publisher;
		if (events != null) {
			events.publishOnGranted(this, term, this.keys.group());
		}
		synchronized (this.monitor) {
			while (this.running && this.yielding != term && !guard.mustStepDown()) {
				lease.reopenIfBroken();
				try {
					this.monitor.wait(CHECK_MILLIS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		boolean inDoubt = guard.mustStepDown();
		term.end();
		this.leadership = null;
		if (inDoubt) {
			logger.warn("Group '" + this.keys.group() + "': this instance steps down: " + guard.reason());
		}
		else {
			resign(term.leaderKey());
		}
		try {
			this.candidate.onRevoked(term);
		}
		finally {
			if (events != null) {
				events.publishOnRevoked(this, term, this.keys.group());
			}
		}
		return !inDoubt;
	}

	private void resign(LeaderKey key) {
		try {
			EtcdCalls.await(this.client.getElectionClient().resign(key), "resign");
			logger.info("Group '" + this.keys.group() + "': this instance resigned");
		}
		catch (RuntimeException ex) {
			logger.warn("Group '" + this.keys.group() + "': could not resign (" + ex.getMessage()
					+ "); the lease ends it");
		}
	}

	private void pause(long millis) {
		synchronized (this.monitor) {
			if (!this.running) {
				return;
			}
			try {
				this.monitor.wait(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
