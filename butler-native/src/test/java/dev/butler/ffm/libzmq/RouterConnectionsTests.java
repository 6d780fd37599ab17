package dev.butler.ffm.libzmq;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link RouterConnections}, fed the events and routing ids in the orders libzmq can hand
 * them to a ROUTER.
 */
class RouterConnectionsTests {

	private static final int FD = 7;

	private final RouterConnections connections = new RouterConnections();

	@Test
	void peerShouldBeGoneOnceItsConnectionEndedAndTheSocketWasFoundEmpty() {
		this.connections.started(FD);
		receive(FD, numbered(1));
		this.connections.ended(FD);
		assertThat(this.connections.endsToDrain()).isTrue();
		assertThat(this.connections.drained()).containsExactly(numbered(1));
		assertThat(this.connections.endsToDrain()).isFalse();
		assertThat(this.connections.drained()).isEmpty();
	}

	@Test
	void peerWhoseEndWasReadBeforeItsMessageShouldBeGoneAfterIt() {
		this.connections.started(FD);
		this.connections.ended(FD);
		receive(FD, numbered(1));
		assertThat(this.connections.drained()).containsExactly(numbered(1));
	}

	@Test
	void connectionThatEndedWithoutAMessageShouldNotMakeTheNextPeerOnItsDescriptorGone() {
		this.connections.started(FD);
		this.connections.ended(FD);
		assertThat(this.connections.drained()).isEmpty();
		this.connections.started(FD);
		receive(FD, numbered(2));
		assertThat(this.connections.drained()).isEmpty();
		this.connections.ended(FD);
		assertThat(this.connections.drained()).containsExactly(numbered(2));
	}

	@Test
	void endedPeerReadAfterTheNextConnectionOnItsDescriptorShouldBeGoneAndTheNextNot() {
		this.connections.started(FD);
		this.connections.ended(FD);
		this.connections.started(FD);
		receive(FD, numbered(2));
		receive(FD, numbered(1));
		assertThat(this.connections.drained()).containsExactly(numbered(1));
		this.connections.ended(FD);
		assertThat(this.connections.drained()).containsExactly(numbered(2));
	}

	@Test
	void peerThatMayBeOfTheEndedOrOfTheNextConnectionShouldWaitUntilTheDescriptorTells() {
		this.connections.started(FD);
		this.connections.ended(FD);
		this.connections.started(FD);
		receive(FD, numbered(1));
		assertThat(this.connections.drained()).isEmpty();
		receive(FD, numbered(2));
		assertThat(this.connections.drained()).containsExactly(numbered(1));
	}

	@Test
	void peerOfTheNextConnectionShouldStayWhenTheEndedOneSentNothing() {
		this.connections.started(FD);
		this.connections.ended(FD);
		this.connections.started(FD);
		receive(FD, numbered(2));
		assertThat(this.connections.drained()).isEmpty();
		receive(FD, numbered(2));
		assertThat(this.connections.drained()).isEmpty();
		this.connections.ended(FD);
		assertThat(this.connections.drained()).containsExactly(numbered(2));
	}

	@Test
	void peerWithItsOwnRoutingIdShouldWaitUntilEveryConnectionItMayBeOfEnded() {
		byte[] first = "first".getBytes(StandardCharsets.US_ASCII);
		byte[] second = "second".getBytes(StandardCharsets.US_ASCII);
		this.connections.started(FD);
		this.connections.ended(FD);
		this.connections.started(FD);
		receive(FD, second);
		receive(FD, first);
		assertThat(this.connections.drained()).isEmpty();
		this.connections.ended(FD);
		assertThat(this.connections.drained()).containsExactlyInAnyOrder(first, second);
	}

	@Test
	void peerShouldBeGoneOnlyOnce() {
		this.connections.started(FD);
		receive(FD, numbered(1));
		assertThat(this.connections.drained()).isEmpty();
		this.connections.ended(FD);
		this.connections.started(FD);
		receive(FD, numbered(2));
		assertThat(this.connections.drained()).containsExactly(numbered(1));
		assertThat(this.connections.drained()).isEmpty();
	}

	@Test
	void descriptorsShouldBeApart() {
		this.connections.started(FD);
		this.connections.started(FD + 1);
		receive(FD, numbered(1));
		receive(FD + 1, numbered(2));
		this.connections.ended(FD + 1);
		assertThat(this.connections.drained()).containsExactly(numbered(2));
		this.connections.ended(FD);
		assertThat(this.connections.drained()).containsExactly(numbered(1));
	}

	@Test
	void connectionMadeBeforeTheMonitorShouldStillEnd() {
		receive(FD, numbered(1));
		this.connections.ended(FD);
		assertThat(this.connections.drained()).containsExactly(numbered(1));
	}

	@Test
	void numbersShouldCompareUnsigned() {
		this.connections.started(FD);
		this.connections.ended(FD);
		this.connections.started(FD);
		receive(FD, numbered(0x80000000L));
		receive(FD, numbered(0x7fffffffL));
		assertThat(this.connections.drained()).containsExactly(numbered(0x7fffffffL));
	}

	@Test
	void routingIdReadAgainShouldNotAskForTheMonitor() {
		assertThat(this.connections.received(FD, numbered(1))).isTrue();
		this.connections.bound();
		assertThat(this.connections.received(FD, numbered(1))).isFalse();
		assertThat(this.connections.received(FD + 1, numbered(1))).isTrue();
	}

	private void receive(int fd, byte[] routingId) {
		if (this.connections.received(fd, routingId)) {
			this.connections.bound();
		}
	}

	private static byte[] numbered(long number) {
		return new byte[] { 0, (byte) (number >>> 24), (byte) (number >>> 16), (byte) (number >>> 8), (byte) number };
	}

}
