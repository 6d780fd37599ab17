package dev.butler.ffm.libzmq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a ROUTER's monitor and the file descriptors of its messages tell of its connections, and
 * which routing ids are gone: the emulation of {@code ZMQ_DISCONNECT_MSG} for a libzmq without it.
 *
 * <p>A file descriptor carries one connection at a time, so its connections form a sequence: the
 * n-th CONNECTED or ACCEPTED on a descriptor starts its n-th connection, the n-th DISCONNECTED ends
 * it. A routing id read from a descriptor belongs to one of the connections started by the time it was
 * read: the socket's owner reads the monitor right after a routing id it has not seen on that
 * descriptor, and {@link #bound} sets that many as the id's bound. libzmq hands a connection's
 * messages to the socket before it reports the connection's end, so once the owner read the
 * monitor, and then found nothing to receive ({@link #drained}), every connection ended by then has
 * been read whole. A routing id whose bound is among those is gone. libzmq numbers the routing ids it
 * makes up (five bytes, the first zero) in the order connections join, which also places an id whose
 * bound is higher: when more of them are read from a descriptor than its connections still open
 * can hold, the lowest ones are of ended connections.
 *
 * <p>A peer that sets its own routing id and reconnects at once with it, on the same descriptor, may
 * be told gone after its new connection's first messages. Not thread-safe: the socket's caller uses it.
 */
final class RouterConnections {

	private static final int UNBOUND = Integer.MAX_VALUE;

	private final Map<Integer, Descriptor> descriptors = new HashMap<>();

	private final Set<Descriptor> changed = new HashSet<>();

	/** The descriptors with a connection ended since the last {@link #drained}. */
	private final Set<Descriptor> ending = new HashSet<>();

	private final List<Descriptor> unbound = new ArrayList<>();

	/**
	 * A connection started on a descriptor: CONNECTED or ACCEPTED was read.
	 */
	void started(int fd) {
		descriptor(fd).started++;
	}

	/**
	 * A connection ended on a descriptor: DISCONNECTED was read.
	 */
	void ended(int fd) {
		Descriptor descriptor = descriptor(fd);
		descriptor.ended++;
		this.ending.add(descriptor);
		// The start of a connection made before the monitor was not seen.
		descriptor.started = Math.max(descriptor.started, descriptor.ended);
	}

	/**
	 * A message from a descriptor was read.
	 * @return whether its routing id is new on the descriptor: the monitor must then be read, and
	 * {@link #bound} called
	 */
	boolean received(int fd, byte[] routingId) {
		Descriptor descriptor = descriptor(fd);
		for (Peer peer : descriptor.peers) {
			if (Arrays.equals(peer.routingId, routingId)) {
				return false;
			}
		}
		descriptor.peers.add(new Peer(routingId.clone()));
		this.unbound.add(descriptor);
		return true;
	}

	/**
	 * The monitor was read after routing ids new on their descriptors: those ids belong to one of the
	 * connections started by now.
	 */
	void bound() {
		for (Descriptor descriptor : this.unbound) {
			for (Peer peer : descriptor.peers) {
				if (peer.bound == UNBOUND) {
					peer.bound = descriptor.started;
				}
			}
			this.changed.add(descriptor);
		}
		this.unbound.clear();
	}

	/**
	 * Return whether a connection ended since the last {@link #drained}.
	 */
	boolean endsToDrain() {
		return !this.ending.isEmpty();
	}

	/**
	 * The socket had nothing to receive after the monitor was read: every connection that ended by
	 * then has been read whole.
	 * @return the routing ids now known gone, each once
	 */
	List<byte[]> drained() {
		for (Descriptor descriptor : this.ending) {
			descriptor.drained = descriptor.ended;
			this.changed.add(descriptor);
		}
		this.ending.clear();
		if (this.changed.isEmpty()) {
			return List.of();
		}
		List<byte[]> gone = new ArrayList<>();
		for (Descriptor descriptor : this.changed) {
			descriptor.takeGone(gone);
		}
		this.changed.clear();
		return gone;
	}

	private Descriptor descriptor(int fd) {
		return this.descriptors.computeIfAbsent(fd, (key) -> new Descriptor());
	}

	private static final class Descriptor {

		int started;

		int ended;

		/** How many of its connections ended and were read whole. */
		int drained;

		/** The routing ids read and not known gone yet. */
		final List<Peer> peers = new ArrayList<>();

		void takeGone(List<byte[]> gone) {
			List<Peer> numbered = new ArrayList<>();
			for (Peer peer : this.peers) {
				if (peer.numbered()) {
					numbered.add(peer);
				}
			}
			numbered.sort((left, right) -> Arrays.compareUnsigned(left.routingId, right.routingId));
			// The i-th numbered id is of an ended connection if it and the ids above it up to some j
			// cannot each have one of the connections not ended that their bound allows.
			int ended = 0;
			for (int j = 0; j < numbered.size(); j++) {
				int bound = numbered.get(j).bound;
				if (bound != UNBOUND) {
					int room = bound - this.drained;
					ended = Math.max(ended, j + 1 - Math.max(room, 0));
				}
			}
			Set<Peer> endedPeers = new HashSet<>(numbered.subList(0, ended));
			for (Iterator<Peer> peers = this.peers.iterator(); peers.hasNext();) {
				Peer peer = peers.next();
				if (endedPeers.contains(peer) || peer.bound <= this.drained) {
					gone.add(peer.routingId);
					peers.remove();
				}
			}
		}

	}

	private static final class Peer {

		final byte[] routingId;

		/** The most connections its descriptor had started when it was first read. */
		int bound = UNBOUND;

		Peer(byte[] routingId) {
			this.routingId = routingId;
		}

		/** Whether libzmq made the routing id up: five bytes, the first zero, then a number. */
		boolean numbered() {
			return this.routingId.length == 5 && this.routingId[0] == 0;
		}

	}

}
