/**
 * Auto-configuration of the cluster: leader election on etcd or, without etcd, in the JVM, the
 * leader's set-up and leader-only services ({@link dev.butler.autoconfigure.cluster.ButlerLeadership}),
 * and services that wait for the leader to be ready.
 */
@NullMarked
package dev.butler.autoconfigure.cluster;

import org.jspecify.annotations.NullMarked;
