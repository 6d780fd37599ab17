/**
 * The cluster on etcd: leader election with a lease per instance ({@link dev.butler.cluster.EtcdLeaderInitiator},
 * through Spring Integration's leader SPI), the leader stepping down before its lease can expire
 * ({@link dev.butler.cluster.LeaseGuard}), writes fenced by the leader key's revision and the
 * leader's "ready" flag ({@link dev.butler.cluster.EtcdLeadership}), the group's flags
 * ({@link dev.butler.cluster.GroupWatch}), the service registry ({@link dev.butler.cluster.EtcdMemberRegistry})
 * and the backlog's scaling signals ({@link dev.butler.cluster.BacklogScaler}).
 */
@NullMarked
package dev.butler.cluster;

import org.jspecify.annotations.NullMarked;
