package dev.butler.cluster;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;

import org.springframework.integration.leader.Context;

/**
 * One term of leadership of an instance, as Spring Integration's {@link Context}: it is the leader
 * while its campaign key stands and its lease is not in doubt. Its writes to etcd are fenced: each
 * is a transaction that succeeds only while the campaign key exists with the revision it was
 * created at (the fencing token), so a deposed leader (paused, cut off, its lease expired) cannot
 * change anything, however late its write arrives.
 */
public final class EtcdLeadership implements Context {

	private final EtcdLeaderInitiator initiator;

	private final Client client;

	private final ClusterKeys keys;

	private final LeaderKey leaderKey;

	private final LeaseGuard guard;

	private volatile boolean ended;

	EtcdLeadership(EtcdLeaderInitiator initiator, Client client, ClusterKeys keys, LeaderKey leaderKey,
			LeaseGuard guard) {
		this.initiator = initiator;
		this.client = client;
		this.keys = keys;
		this.leaderKey = leaderKey;
		this.guard = guard;
	}

	@Override
	public boolean isLeader() {
		return !this.ended && !this.guard.mustStepDown();
	}

	@Override
	public void yield() {
		this.initiator.yieldLeadership(this);
	}

	@Override
	public String getRole() {
		return this.keys.group();
	}

	/**
	 * Return the fencing token of this term: the revision at which its campaign key was created,
	 * larger than that of any earlier term of the group.
	 * @return the token
	 */
	public long fencingToken() {
		return this.leaderKey.getRevision();
	}

	/**
	 * Put a key, if this term still leads.
	 * @param key the key
	 * @param value its value
	 * @return whether it was written; {@code false} if this term is over
	 * @throws ClusterException if etcd cannot be reached in time
	 */
	public boolean put(String key, String value) {
		return fenced(Op.put(EtcdCalls.bytes(key), EtcdCalls.bytes(value), PutOption.DEFAULT), "put " + key);
	}

	/**
	 * Delete a key, if this term still leads.
	 * @param key the key
	 * @return whether the delete was made; {@code false} if this term is over
	 * @throws ClusterException if etcd cannot be reached in time
	 */
	public boolean delete(String key) {
		return fenced(Op.delete(EtcdCalls.bytes(key), DeleteOption.DEFAULT), "delete " + key);
	}

	/**
	 * Tell the followers that the leader's set-up is done: the ready flag holds this term's token.
	 * @return whether it was written; {@code false} if this term is over
	 */
	public boolean markReady() {
		return put(this.keys.ready(), Long.toString(fencingToken()));
	}

	/**
	 * Clear the ready flag of an earlier term, before this one's set-up runs.
	 * @return whether it was cleared; {@code false} if this term is over
	 */
	public boolean clearReady() {
		return delete(this.keys.ready());
	}

	private boolean fenced(Op op, String what) {
		return EtcdCalls.await(this.client.getKVClient()
			.txn()
			.If(new Cmp(this.leaderKey.getKey(), Cmp.Op.EQUAL, CmpTarget.createRevision(fencingToken())))
			.Then(op)
			.commit(), "make the leader's " + what).isSucceeded();
	}


	LeaderKey leaderKey() {
		return this.leaderKey;
	}

	void end() {
		this.ended = true;
	}

	@Override
	public String toString() {
		return "leadership of group '" + this.keys.group() + "' (fencing token " + fencingToken() + ")";
	}

}
