package dev.butler.cluster;

import org.springframework.integration.leader.Context;

/**
 * A set-up duty of the leader of the cluster, such as creating directory queues or binding shared
 * endpoints: run when an instance is elected, before its leader-only services start and before it
 * tells the followers it is ready. Beans of this type are run in their order.
 */
@FunctionalInterface
public interface LeaderSetup {

	/**
	 * Do the set-up. With etcd, the context is an {@link EtcdLeadership}, whose writes are fenced.
	 * @param leadership the term of leadership it runs in
	 * @throws Exception if the set-up failed: the instance then yields its leadership
	 */
	void setUp(Context leadership) throws Exception;

}
