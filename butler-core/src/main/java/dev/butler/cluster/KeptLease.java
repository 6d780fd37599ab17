package dev.butler.cluster;

import java.time.Clock;
import java.time.Duration;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * An etcd lease granted and kept alive, each renewal recorded in its {@link LeaseGuard}. A
 * keep-alive stream that fails, e.g. because the member it went to is gone, is opened again by
 * {@link #reopenIfBroken()} (the client goes to another member); only etcd saying that the lease
 * is gone loses it at once, else the guard's patience decides. Used by one thread, which calls
 * {@link #reopenIfBroken()} as it checks the guard.
 */
final class KeptLease implements StreamObserver<LeaseKeepAliveResponse>, AutoCloseable {

	private static final Log logger = LogFactory.getLog(KeptLease.class);

	private final Client client;

	private final long id;

	private final LeaseGuard guard;

	private volatile boolean broken;

	private CloseableClient keepAlive;

	private KeptLease(Client client, long id, LeaseGuard guard) {
		this.client = client;
		this.id = id;
		this.guard = guard;
		this.keepAlive = client.getLeaseClient().keepAlive(id, this);
	}

	/**
	 * Grant a lease and keep it alive.
	 * @param client the etcd client
	 * @param ttl the lease's time to live
	 * @param clock times its renewals
	 * @return the lease
	 * @throws ClusterException if etcd does not grant it in time
	 */
	static KeptLease grant(Client client, Duration ttl, Clock clock) {
		LeaseGuard guard = new LeaseGuard(ttl, clock);
		long id = EtcdCalls.await(client.getLeaseClient().grant(ttl.toSeconds()), "grant a lease").getID();
		return new KeptLease(client, id, guard);
	}

	long id() {
		return this.id;
	}

	LeaseGuard guard() {
		return this.guard;
	}

	/**
	 * Open the keep-alive stream again if it failed and the lease is not given up.
	 */
	void reopenIfBroken() {
		if (this.broken && !this.guard.mustStepDown()) {
			this.broken = false;
			this.keepAlive.close();
			this.keepAlive = this.client.getLeaseClient().keepAlive(this.id, this);
		}
	}

	/**
	 * Stop keeping the lease alive and give it back, without waiting for etcd's answer.
	 */
	void revoke() {
		close();
		this.client.getLeaseClient().revoke(this.id);
	}

	@Override
	public void onNext(LeaseKeepAliveResponse response) {
		this.guard.renewed(response.getTTL());
	}

	@Override
	public void onError(Throwable error) {
		String message = String.valueOf(error.getMessage());
		if (message.contains("lease not found")) {
			this.guard.lost("etcd answered that the lease is gone");
		}
		else {
			logger.debug("Keep-alive of lease " + Long.toHexString(this.id) + " failed (" + message
					+ "); opening it again");
			this.broken = true;
		}
	}

	@Override
	public void onCompleted() {
		this.broken = true;
	}

	/**
	 * Stop keeping the lease alive; it expires after its time to live unless revoked.
	 */
	@Override
	public void close() {
		this.keepAlive.close();
	}

}
