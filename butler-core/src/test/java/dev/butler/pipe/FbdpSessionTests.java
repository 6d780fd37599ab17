package dev.butler.pipe;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.butler.pipe.FbdpSession.Timer;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.protocol.fbdp.FbdpFlags;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.PipeSocket;
import dev.butler.protocol.proto.ErrorDescription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of {@link FbdpSession}, the FBDP state machine of a pipe endpoint, fed message sequences
 * without sockets: every state of both roles and both modes against every message, good and bad,
 * then the flows of a session step by step.
 */
class FbdpSessionTests {

	/** The client of a bound pipe's session, once it sent OPEN. */
	private static final byte[] CLIENT = { 1 };

	/** Another peer of a bound pipe. */
	private static final byte[] STRANGER = { 2 };

	private static final byte[] PAYLOAD = "x".getBytes(StandardCharsets.UTF_8);

	private final Recorder actions = new Recorder();

	// What each message does in each state. A cell says what follows:
	// "-" nothing at all; "ack" an acknowledgement goes first; ">STATE" the session goes on in STATE;
	// "x:CODE" this side ends the session with CLOSE(CODE); "rx:CODE" the same, counted as refused;
	// "end" the peer's CLOSE ends the session; "gone" the session ends as the peer vanished;
	// "r:CODE" the sender alone is refused with CLOSE(CODE); "refused" a refusal is counted, no session to close.
	// Codes: PV protocol violation, IM invalid message, PEU pipe endpoint unavailable.

	private static final String COLUMNS = "OPEN OPEN_PIPE OPEN_SOCKET READY_0 READY_3 NOOP NOOP_ACK DATA DATA_ACK "
			+ "DATA_REPLY CLOSE_OK CLOSE_ERROR MALFORMED GONE";

	/** A bound consumer, messages from the peer that opens (or opened) the session. */
	private static final String SERVER_CONSUMER = """
			WAITING      >OPEN r:PEU r:PEU r:PV  r:PV          r:PV r:PV r:PV          r:PV              r:PV r:PV r:PV r:IM  -
			OFFERED      x:PV  x:PV  x:PV  >OPEN >TRANSMITTING -    ack  x:PV          ack,x:PV          -    end  end  rx:IM gone
			NOT_READY    x:PV  x:PV  x:PV  x:PV  x:PV          -    ack  x:PV          ack,x:PV          -    end  end  rx:IM gone
			TRANSMITTING x:PV  x:PV  x:PV  x:PV  x:PV          -    ack  >TRANSMITTING ack,>TRANSMITTING -    end  end  rx:IM gone
			CLOSED       r:PEU r:PEU r:PEU r:PV  r:PV          r:PV r:PV r:PV          r:PV              r:PV r:PV r:PV r:IM  -
			""";

	/** A bound producer, messages from the peer that opens (or opened) the session. */
	private static final String SERVER_PRODUCER = """
			WAITING      >OPEN r:PEU r:PEU r:PV  r:PV          r:PV r:PV r:PV r:PV     r:PV r:PV r:PV r:IM  -
			OFFERED      x:PV  x:PV  x:PV  >OPEN >TRANSMITTING -    ack  x:PV ack,x:PV -    end  end  rx:IM gone
			NOT_READY    x:PV  x:PV  x:PV  x:PV  x:PV          -    ack  x:PV ack,x:PV -    end  end  rx:IM gone
			TRANSMITTING x:PV  x:PV  x:PV  x:PV  x:PV          -    ack  x:PV ack,x:PV -    end  end  rx:IM gone
			CLOSED       r:PEU r:PEU r:PEU r:PV  r:PV          r:PV r:PV r:PV r:PV     r:PV r:PV r:PV r:IM  -
			""";

	/** A bound pipe of either role, messages from a peer other than the session's client. */
	private static final String SERVER_STRANGER = """
			WAITING      >OPEN r:PEU r:PEU r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:IM -
			OFFERED      r:PV  r:PV  r:PV  r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:IM -
			NOT_READY    r:PV  r:PV  r:PV  r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:IM -
			TRANSMITTING r:PV  r:PV  r:PV  r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:IM -
			CLOSED       r:PEU r:PEU r:PEU r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:PV r:IM -
			""";

	/** A connected consumer, messages from its server. */
	private static final String CLIENT_CONSUMER = """
			CREATED      -    -    -    -     -             -     -         -             -                 -     -   -   refused -
			OPENING      x:PV x:PV x:PV >OPEN >TRANSMITTING >OPEN ack,>OPEN x:PV          ack,x:PV          >OPEN end end rx:IM   gone
			OPEN         x:PV x:PV x:PV >OPEN >TRANSMITTING -     ack       x:PV          ack,x:PV          -     end end rx:IM   gone
			TRANSMITTING x:PV x:PV x:PV x:PV  x:PV          -     ack       >TRANSMITTING ack,>TRANSMITTING -     end end rx:IM   gone
			CLOSED       -    -    -    -     -             -     -         -             -                 -     -   -   refused -
			""";

	/** A connected producer, messages from its server. */
	private static final String CLIENT_PRODUCER = """
			CREATED      -    -    -    -     -             -     -         -    -        -     -   -   refused -
			OPENING      x:PV x:PV x:PV >OPEN >TRANSMITTING >OPEN ack,>OPEN x:PV ack,x:PV >OPEN end end rx:IM   gone
			OPEN         x:PV x:PV x:PV >OPEN >TRANSMITTING -     ack       x:PV ack,x:PV -     end end rx:IM   gone
			TRANSMITTING x:PV x:PV x:PV x:PV  x:PV          -     ack       x:PV ack,x:PV -     end end rx:IM   gone
			CLOSED       -    -    -    -     -             -     -         -    -        -     -   -   refused -
			""";

	static Stream<Arguments> everyStateAndMessage() {
		List<Arguments> cases = new ArrayList<>();
		addCases(cases, PipeMode.BIND, PipeRole.CONSUMER, CLIENT, SERVER_CONSUMER);
		addCases(cases, PipeMode.BIND, PipeRole.PRODUCER, CLIENT, SERVER_PRODUCER);
		addCases(cases, PipeMode.BIND, PipeRole.CONSUMER, STRANGER, SERVER_STRANGER);
		addCases(cases, PipeMode.BIND, PipeRole.PRODUCER, STRANGER, SERVER_STRANGER);
		addCases(cases, PipeMode.CONNECT, PipeRole.CONSUMER, null, CLIENT_CONSUMER);
		addCases(cases, PipeMode.CONNECT, PipeRole.PRODUCER, null, CLIENT_PRODUCER);
		return cases.stream();
	}

	private static void addCases(List<Arguments> cases, PipeMode mode, PipeRole role, byte[] sender, String table) {
		String[] messages = COLUMNS.split(" ");
		for (String row : table.strip().split("\n")) {
			String[] cells = row.strip().split("\\s+");
			assertThat(cells).as("cells of row " + cells[0]).hasSize(messages.length + 1);
			for (int i = 0; i < messages.length; i++) {
				String from = (sender == null) ? "server" : (sender == CLIENT) ? "client" : "stranger";
				cases.add(Arguments.of(mode, role, cells[0], from, messages[i], cells[i + 1]));
			}
		}
	}

	@ParameterizedTest(name = "{0} {1} in {2}, {4} from {3}: {5}")
	@MethodSource("everyStateAndMessage")
	void everyMessageInEveryStateShouldDoWhatTheTableSays(PipeMode mode, PipeRole role, String setup, String from,
			String message, String expected) throws Exception {
		FbdpSession session = session(mode, role, true);
		reach(session, mode, role, setup);
		byte[] sender = switch (from) {
			case "client" -> CLIENT;
			case "stranger" -> STRANGER;
			default -> null;
		};
		PipeState stateBefore = session.state();
		FbdpErrorCode codeBefore = session.closeCode();
		this.actions.clear();
		feed(session, sender, role, message);
		List<String> done = this.actions.list;
		List<String> sends = done.stream().filter((action) -> action.startsWith("send ")).toList();
		for (String part : expected.split(",")) {
			if (part.equals("-")) {
				assertThat(done).isEmpty();
				assertThat(session.state()).isEqualTo(stateBefore);
			}
			else if (part.equals("ack")) {
				assertThat(sends).first().asString().endsWith("ack-reply");
			}
			else if (part.startsWith(">")) {
				assertThat(session.state()).isEqualTo(PipeState.valueOf(part.substring(1)));
				assertThat(sends).noneMatch((send) -> send.startsWith("send CLOSE"));
				assertThat(done).noneMatch((action) -> action.startsWith("ended"));
			}
			else if (part.startsWith("x:") || part.startsWith("rx:")) {
				FbdpErrorCode code = code(part.substring(part.indexOf(':') + 1));
				assertThat(sends).last().asString().startsWith("send CLOSE " + code + ": ");
				assertThat(done).anyMatch((action) -> action.startsWith("ended " + session(sender) + " close-sent")).contains("closed");
				assertThat(done).last().asString().startsWith("stop Data pipe 'items' closed with " + code);
				assertThat(done.stream().anyMatch((action) -> action.startsWith("refused")))
					.isEqualTo(part.startsWith("rx:"));
				assertThat(session.state()).isEqualTo(PipeState.CLOSED);
				assertThat(session.closeCode()).isEqualTo(code);
			}
			else if (part.equals("end") || part.equals("gone")) {
				FbdpErrorCode code = message.equals("CLOSE_OK") ? FbdpErrorCode.OK : FbdpErrorCode.ERROR;
				assertThat(sends).isEmpty();
				assertThat(done).anyMatch((action) -> action.startsWith("ended " + session(sender) + " peer-closed")).contains("closed");
				assertThat(done).last().asString().startsWith("stop");
				assertThat(session.state()).isEqualTo(PipeState.CLOSED);
				assertThat(session.closeCode()).isEqualTo(code);
				assertThat(session.closeDetails()).hasSize(message.equals("CLOSE_OK") ? 0 : 1);
			}
			else if (part.startsWith("r:")) {
				FbdpErrorCode code = code(part.substring(2));
				assertThat(done).hasSize(2);
				assertThat(done.get(0)).startsWith("refused ");
				assertThat(done.get(1)).startsWith("sendTo " + FbdpSession.peerKey(sender) + " CLOSE " + code + ": ");
				assertThat(session.state()).isEqualTo(stateBefore);
				assertThat(session.closeCode()).isEqualTo(codeBefore);
			}
			else if (part.equals("refused")) {
				assertThat(done).singleElement().asString().startsWith("refused ");
				assertThat(session.state()).isEqualTo(stateBefore);
			}
			else {
				throw new IllegalArgumentException("Unknown expectation '" + part + "'");
			}
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "READY_3", "NOOP_ACK", "DATA", "CLOSE_OK" })
	void messagesOfAPeerSentAFinalCloseShouldBeIgnored(Column message) throws Exception {
		FbdpSession session = session(PipeMode.BIND, PipeRole.CONSUMER, true);
		session.open();
		this.actions.awaitingDisconnect.add(FbdpSession.peerKey(STRANGER));
		this.actions.clear();
		feed(session, STRANGER, PipeRole.CONSUMER, message.name());
		assertThat(this.actions.list).isEmpty();
		assertThat(session.state()).isEqualTo(PipeState.WAITING);
	}

	@Test
	void peerSentAFinalCloseShouldStillBeAbleToOpenAgain() throws Exception {
		FbdpSession session = session(PipeMode.BIND, PipeRole.CONSUMER, true);
		session.open();
		this.actions.awaitingDisconnect.add(FbdpSession.peerKey(STRANGER));
		session.onMessage(STRANGER, open(PipeRole.CONSUMER.serverSocket()));
		assertThat(session.state()).isEqualTo(PipeState.OPEN);
		assertThat(session.clientId()).isEqualTo("02");
	}

	@Test
	void serverShouldOfferItsBatchTakeTheGrantedDataAndOfferAgain() throws Exception {
		FbdpSession session = session(PipeMode.BIND, PipeRole.CONSUMER, true);
		session.open();
		assertThat(session.state()).isEqualTo(PipeState.WAITING);
		session.onMessage(CLIENT, FbdpMessage.open("items", PipeSocket.INPUT, "text/csv"));
		assertThat(this.actions.take()).containsExactly("schedule IDLE_PROBE", "opened text/csv", "send READY 5");
		assertThat(session.dataFormat()).isEqualTo("text/csv");
		assertThat(session.clientId()).isEqualTo("01");
		session.onMessage(CLIENT, FbdpMessage.ready(2));
		assertThat(this.actions.take()).containsExactly("batch 2");
		assertThat(session.state()).isEqualTo(PipeState.TRANSMITTING);
		session.onData(PAYLOAD);
		session.onData(null);
		assertThat(this.actions.take()).containsExactly("accept x", "accept ", "send READY 5");
		assertThat(session.state()).isEqualTo(PipeState.OPEN);
		assertThat(session.credit()).isEqualTo(-1);
	}

	@Test
	void rejectedDataShouldCountAgainstTheBatchAndTheSessionGoOnUntilThePeerIsCutOff() throws Exception {
		FbdpSession session = openServer(PipeRole.CONSUMER, true);
		session.onMessage(CLIENT, FbdpMessage.ready(3));
		session.onData("bad 1".getBytes(StandardCharsets.UTF_8));
		session.onData(PAYLOAD);
		session.onData("bad 2".getBytes(StandardCharsets.UTF_8));
		assertThat(this.actions.take()).containsExactly("batch 3", "rejected unreadable bad 1", "accept x",
				"rejected unreadable bad 2", "send READY 5");
		assertThat(session.state()).isEqualTo(PipeState.OPEN);
		session.onMessage(CLIENT, FbdpMessage.ready(3));
		this.actions.cutOffWith = "too many rejected";
		session.onData("bad 3".getBytes(StandardCharsets.UTF_8));
		assertThat(this.actions.take()).startsWith("batch 3", "rejected unreadable bad 3")
			.anyMatch((line) -> line.contains("CLOSE") && line.contains("INVALID_DATA") && line.contains("too many rejected"));
		assertThat(session.state()).isNotEqualTo(PipeState.TRANSMITTING);
	}

	@Test
	void serverNotReadyShouldSendReadyZeroAndOfferAgainWhenTheIntervalExpires() throws Exception {
		FbdpSession session = openServer(PipeRole.CONSUMER, true);
		this.actions.ready = false;
		session.onMessage(CLIENT, FbdpMessage.ready(1));
		session.onData(PAYLOAD);
		assertThat(this.actions.take()).containsExactly("batch 1", "accept x", "send READY 0", "schedule READY_RESEND");
		session.onMessage(CLIENT, FbdpMessage.ready(0));
		assertThat(this.actions.take()).containsExactly("cancel READY_RESEND", "schedule READY_RESEND");
		this.actions.ready = true;
		session.onTimer(Timer.READY_RESEND);
		assertThat(this.actions.take()).containsExactly("send READY 5");
	}

	@Test
	void clientAnsweringReadyZeroShouldBeOfferedAgainAtOnceOnResume() throws Exception {
		FbdpSession session = openServer(PipeRole.PRODUCER, true);
		session.onMessage(CLIENT, FbdpMessage.ready(0));
		assertThat(this.actions.take()).containsExactly("schedule READY_RESEND");
		session.resume();
		assertThat(this.actions.take()).containsExactly("cancel READY_RESEND", "send READY 5");
		session.resume();
		assertThat(this.actions.take()).isEmpty();
	}

	@Test
	void readyResendAfterTheSessionEndedShouldDoNothing() throws Exception {
		FbdpSession session = openServer(PipeRole.PRODUCER, false);
		session.onMessage(CLIENT, FbdpMessage.ready(0));
		session.onMessage(CLIENT, FbdpMessage.close(FbdpErrorCode.OK));
		this.actions.clear();
		session.onTimer(Timer.READY_RESEND);
		assertThat(this.actions.take()).isEmpty();
		assertThat(session.state()).isEqualTo(PipeState.WAITING);
	}

	@Test
	void serverProducerShouldTransmitItsBatchOfferTheNextAndCloseWithOkAtTheEndOfData() throws Exception {
		FbdpSession session = openServer(PipeRole.PRODUCER, true);
		session.onMessage(CLIENT, FbdpMessage.ready(2));
		assertThat(this.actions.take()).containsExactly("batch 2", "transmit");
		assertThat(session.credit()).isEqualTo(2);
		session.sent();
		assertThat(session.credit()).isEqualTo(1);
		session.sent();
		assertThat(this.actions.take()).containsExactly("send READY 5");
		assertThat(session.state()).isEqualTo(PipeState.OPEN);
		session.onMessage(CLIENT, FbdpMessage.ready(5));
		session.finish();
		assertThat(this.actions.take()).containsExactly("batch 5", "transmit", "send CLOSE OK", "cancel IDLE_PROBE",
				"ended 01 close-sent heard", "closed", "stop OK");
		assertThat(session.state()).isEqualTo(PipeState.CLOSED);
		assertThat(session.closeCode()).isEqualTo(FbdpErrorCode.OK);
		session.finish();
		session.sent();
		assertThat(this.actions.take()).isEmpty();
	}

	@Test
	void pausedProducerShouldGoOnWithItsBatchOnResume() throws Exception {
		FbdpSession session = openClient(PipeRole.PRODUCER);
		session.onMessage(null, FbdpMessage.ready(3));
		assertThat(this.actions.take()).containsExactly("cancel OPEN_TIMEOUT", "send READY 3", "batch 3", "transmit");
		session.pause();
		assertThat(session.isPaused()).isTrue();
		session.resume();
		assertThat(this.actions.take()).containsExactly("output", "transmit");
		assertThat(session.isPaused()).isFalse();
		session.sent();
		session.sent();
		session.sent();
		assertThat(this.actions.take()).isEmpty();
		assertThat(session.state()).isEqualTo(PipeState.OPEN);
		assertThat(session.credit()).isEqualTo(-1);
	}

	@Test
	void clientShouldSendOpenAndGrantAtMostItsOwnBatch() throws Exception {
		FbdpSession session = session(PipeMode.CONNECT, PipeRole.CONSUMER, true);
		session.open();
		assertThat(this.actions.take()).containsExactly("schedule OPEN_TIMEOUT", "schedule IDLE_PROBE",
				"send OPEN items OUTPUT text/plain");
		assertThat(session.state()).isEqualTo(PipeState.OPEN);
		assertThat(session.peerHeard()).isFalse();
		session.onMessage(null, FbdpMessage.ready(50));
		assertThat(this.actions.take()).containsExactly("cancel OPEN_TIMEOUT", "send READY 5", "batch 5");
		assertThat(session.peerHeard()).isTrue();
		for (int i = 0; i < 5; i++) {
			session.onData(PAYLOAD);
		}
		assertThat(this.actions.take()).hasSize(5).containsOnly("accept x");
		assertThat(session.state()).isEqualTo(PipeState.OPEN);
		session.onMessage(null, FbdpMessage.ready(2));
		assertThat(this.actions.take()).containsExactly("send READY 2", "batch 2");
	}

	@Test
	void clientNotReadyShouldHoldTheOfferAndAnswerReadyZeroWhenTheIntervalExpires() throws Exception {
		FbdpSession session = openClient(PipeRole.CONSUMER);
		this.actions.ready = false;
		session.onMessage(null, FbdpMessage.ready(5));
		assertThat(this.actions.take()).containsExactly("cancel OPEN_TIMEOUT", "schedule HELD_OFFER");
		session.resume();
		assertThat(this.actions.take()).isEmpty();
		session.onTimer(Timer.HELD_OFFER);
		assertThat(this.actions.take()).containsExactly("send READY 0");
		session.onTimer(Timer.HELD_OFFER);
		assertThat(this.actions.take()).isEmpty();
		assertThat(session.state()).isEqualTo(PipeState.OPEN);
	}

	@Test
	void clientHoldingAnOfferShouldTakeItOnResumeOnceReady() throws Exception {
		FbdpSession session = openClient(PipeRole.CONSUMER);
		this.actions.ready = false;
		session.onMessage(null, FbdpMessage.ready(3));
		this.actions.clear();
		this.actions.ready = true;
		session.resume();
		assertThat(this.actions.take()).containsExactly("cancel HELD_OFFER", "send READY 3", "batch 3");
		assertThat(session.state()).isEqualTo(PipeState.TRANSMITTING);
	}

	@Test
	void clientWhoseServerNeverAnswersShouldEndAfterTheOpenTimeout() {
		FbdpSession session = openClient(PipeRole.PRODUCER);
		session.onTimer(Timer.OPEN_TIMEOUT);
		assertThat(this.actions.take()).containsExactly("cancel IDLE_PROBE", "ended  peer-closed unheard", "closed",
				"stop Data pipe 'items' closed with ERROR: Server of data pipe 'items' at tcp://127.0.0.1:5700 did not "
						+ "answer OPEN within 10000 ms (open_timeout)");
		assertThat(session.state()).isEqualTo(PipeState.CLOSED);
		assertThat(session.closeCode()).isEqualTo(FbdpErrorCode.ERROR);
	}

	@Test
	void openTimeoutAfterTheServerAnsweredShouldDoNothing() throws Exception {
		FbdpSession session = openClient(PipeRole.PRODUCER);
		session.onMessage(null, FbdpMessage.noop());
		this.actions.clear();
		session.onTimer(Timer.OPEN_TIMEOUT);
		assertThat(this.actions.take()).isEmpty();
		assertThat(session.hasSession()).isTrue();
	}

	@Test
	void idleProbeShouldSendNoopOnlyToAPeerSilentForAWholePeriod() throws Exception {
		FbdpSession session = openServer(PipeRole.CONSUMER, true);
		session.onTimer(Timer.IDLE_PROBE);
		assertThat(this.actions.take()).isEmpty();
		session.onTimer(Timer.IDLE_PROBE);
		assertThat(this.actions.take()).containsExactly("send NOOP");
		session.onMessage(CLIENT, FbdpMessage.noop());
		session.onTimer(Timer.IDLE_PROBE);
		assertThat(this.actions.take()).isEmpty();
	}

	@Test
	void idleProbeShouldNotSendToAServerThatNeverAnswered() {
		FbdpSession session = openClient(PipeRole.CONSUMER);
		session.onTimer(Timer.IDLE_PROBE);
		session.onTimer(Timer.IDLE_PROBE);
		assertThat(this.actions.take()).isEmpty();
	}

	@Test
	void serverWithoutStopOnCloseShouldWaitForTheNextClient() throws Exception {
		FbdpSession session = openServer(PipeRole.CONSUMER, false);
		session.onMessage(CLIENT, FbdpMessage.close(FbdpErrorCode.OK));
		assertThat(this.actions.take()).containsExactly("cancel IDLE_PROBE", "ended 01 peer-closed heard", "closed");
		assertThat(session.state()).isEqualTo(PipeState.WAITING);
		assertThat(session.clientId()).isNull();
		session.onMessage(STRANGER, open(PipeSocket.INPUT));
		assertThat(this.actions.take()).containsExactly("schedule IDLE_PROBE", "opened text/plain", "send READY 5");
		assertThat(session.clientId()).isEqualTo("02");
		assertThat(session.closeCode()).isNull();
		session.onMessage(CLIENT, FbdpMessage.ready(1));
		assertThat(this.actions.take()).containsExactly(
				"refused Expected OPEN to start a session on pipe 'items', got READY",
				"sendTo 01 CLOSE PROTOCOL_VIOLATION: Expected OPEN to start a session on pipe 'items', got READY");
	}

	@Test
	void serviceStopShouldCloseTheSessionWithErrorAndRefuseNewClients() throws Exception {
		FbdpSession session = openServer(PipeRole.PRODUCER, false);
		session.serviceStops("service stops");
		assertThat(this.actions.take()).containsExactly("send CLOSE ERROR: service stops", "cancel IDLE_PROBE",
				"ended 01 close-sent heard", "closed");
		assertThat(session.state()).isEqualTo(PipeState.CLOSED);
		assertThat(session.closeDetails()).containsExactly("service stops");
		session.onMessage(STRANGER, open(PipeSocket.OUTPUT));
		assertThat(this.actions.take()).containsExactly("refused Data pipe 'items' is closing: its service stops",
				"sendTo 02 CLOSE PIPE_ENDPOINT_UNAVAILABLE: Data pipe 'items' is closing: its service stops");
	}

	@Test
	void serviceStopWithoutASessionShouldOnlyClose() {
		FbdpSession session = session(PipeMode.BIND, PipeRole.CONSUMER, true);
		session.open();
		session.serviceStops("service stops");
		assertThat(this.actions.take()).isEmpty();
		assertThat(session.state()).isEqualTo(PipeState.CLOSED);
		assertThat(session.closeCode()).isNull();
	}

	@Test
	void closeShouldSendCloseWithTheReasonOnlyWhileASessionIsOpen() throws Exception {
		FbdpSession session = openServer(PipeRole.CONSUMER, true);
		session.close(FbdpErrorCode.INVALID_DATA, "bad row");
		assertThat(this.actions.take()).containsExactly("send CLOSE INVALID_DATA: bad row", "cancel IDLE_PROBE",
				"ended 01 close-sent heard", "closed", "stop Data pipe 'items' closed with INVALID_DATA: bad row");
		session.close(FbdpErrorCode.ERROR, null);
		assertThat(this.actions.take()).isEmpty();
		assertThat(session.closeCode()).isEqualTo(FbdpErrorCode.INVALID_DATA);
	}

	@Test
	void closeWhoseSendFindsThePeerGoneShouldEndTheSessionOnceAsGone() throws Exception {
		FbdpSession session = openServer(PipeRole.CONSUMER, true);
		this.actions.onSend = (message) -> session.fail("Peer is gone: could not send " + message.type());
		session.close(FbdpErrorCode.INVALID_DATA, "bad row");
		assertThat(this.actions.take()).containsExactly("send CLOSE INVALID_DATA: bad row", "cancel IDLE_PROBE",
				"ended 01 peer-closed heard", "closed", "stop Data pipe 'items' closed with ERROR: Peer is gone: could not send CLOSE");
		assertThat(session.closeCode()).isEqualTo(FbdpErrorCode.ERROR);
	}

	@Test
	void finishWhoseSendFindsThePeerGoneShouldEndTheSessionOnceAsGone() throws Exception {
		FbdpSession session = openServer(PipeRole.PRODUCER, true);
		this.actions.onSend = (message) -> session.fail("Peer is gone");
		session.finish();
		assertThat(this.actions.take()).contains("ended 01 peer-closed heard").containsOnlyOnce("closed");
		assertThat(session.closeCode()).isEqualTo(FbdpErrorCode.ERROR);
	}

	@Test
	void failShouldEndTheSessionWithErrorWithoutSendingClose() {
		FbdpSession session = openClient(PipeRole.PRODUCER);
		session.fail("stalled");
		assertThat(this.actions.take()).containsExactly("cancel OPEN_TIMEOUT", "cancel IDLE_PROBE",
				"ended  peer-closed unheard", "closed", "stop Data pipe 'items' closed with ERROR: stalled");
		assertThat(session.closeDetails()).containsExactly("stalled");
	}

	@Test
	void peerClosingWithDescriptionsShouldKeepThemAsDetails() throws Exception {
		FbdpSession session = openServer(PipeRole.CONSUMER, true);
		ErrorDescription first = ErrorDescription.newBuilder().setCode(5).setDescription("bad").build();
		ErrorDescription second = ErrorDescription.newBuilder().setCode(5).setDescription("worse").build();
		session.onMessage(CLIENT, new FbdpMessage.Close(5, List.of(first, second)));
		assertThat(session.closeCode()).isEqualTo(FbdpErrorCode.INVALID_DATA);
		assertThat(session.closeDetails()).containsExactly("bad", "worse");
		assertThat(this.actions.list).last().isEqualTo("stop Data pipe 'items' closed with INVALID_DATA: bad; worse");
	}

	@Test
	void unknownPipeAndSocketShouldBeRefusedNamingWhatThisEndpointServes() throws Exception {
		FbdpSession session = session(PipeMode.BIND, PipeRole.CONSUMER, true);
		session.open();
		session.onMessage(CLIENT, FbdpMessage.open("other", PipeSocket.INPUT, "text/plain"));
		session.onMessage(CLIENT, FbdpMessage.open("items", PipeSocket.OUTPUT, "text/plain"));
		assertThat(this.actions.take()).filteredOn((action) -> action.startsWith("sendTo")).containsExactly(
				"sendTo 01 CLOSE PIPE_ENDPOINT_UNAVAILABLE: Unknown data pipe 'other', this endpoint serves 'items'",
				"sendTo 01 CLOSE PIPE_ENDPOINT_UNAVAILABLE: Unknown pipe socket OUTPUT for pipe 'items', this endpoint "
						+ "serves INPUT");
		assertThat(session.state()).isEqualTo(PipeState.WAITING);
	}

	@Test
	void handlerClosingThePipeWhenOpenedShouldNotBeOfferedABatch() throws Exception {
		FbdpSession session = session(PipeMode.BIND, PipeRole.CONSUMER, true);
		session.open();
		this.actions.onOpened = () -> session.close(FbdpErrorCode.DATA_FORMAT_NOT_SUPPORTED, "no csv");
		session.onMessage(CLIENT, open(PipeSocket.INPUT));
		assertThat(this.actions.take()).containsExactly("schedule IDLE_PROBE", "opened text/plain",
				"send CLOSE DATA_FORMAT_NOT_SUPPORTED: no csv", "cancel IDLE_PROBE", "ended 01 close-sent heard",
				"closed", "stop Data pipe 'items' closed with DATA_FORMAT_NOT_SUPPORTED: no csv");
	}

	@Test
	void handlerFailingToAcceptDataShouldLeaveTheDataUncounted() throws Exception {
		FbdpSession session = openClient(PipeRole.CONSUMER);
		session.onMessage(null, FbdpMessage.ready(5));
		this.actions.onAccept = () -> {
			throw new PipeException(FbdpErrorCode.INVALID_DATA, "unreadable");
		};
		assertThatExceptionOfType(PipeException.class).isThrownBy(() -> session.onData(PAYLOAD));
		assertThat(session.credit()).isEqualTo(5);
		assertThat(session.state()).isEqualTo(PipeState.TRANSMITTING);
	}

	@Test
	void strangerGoneShouldNotEndTheSession() throws Exception {
		FbdpSession session = openServer(PipeRole.CONSUMER, true);
		session.onPeerGone(STRANGER);
		assertThat(this.actions.take()).isEmpty();
		assertThat(session.hasSession()).isTrue();
		assertThat(session.isSessionPeer(STRANGER)).isFalse();
		assertThat(session.isSessionPeer(CLIENT)).isTrue();
	}

	private FbdpSession openServer(PipeRole role, boolean stopOnClose) {
		FbdpSession session = session(PipeMode.BIND, role, stopOnClose);
		session.open();
		try {
			session.onMessage(CLIENT, open(role.serverSocket()));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		this.actions.clear();
		return session;
	}

	private FbdpSession openClient(PipeRole role) {
		FbdpSession session = session(PipeMode.CONNECT, role, true);
		session.open();
		this.actions.clear();
		return session;
	}

	private FbdpSession session(PipeMode mode, PipeRole role, boolean stopOnClose) {
		PipeOptions options = new PipeOptions("items", "tcp://127.0.0.1:5700", mode, "text/plain", 5,
				Duration.ofSeconds(1), stopOnClose, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5));
		return new FbdpSession("pipe", role, options, this.actions);
	}

	/**
	 * Bring a session to a state of the tables, through the messages that lead there.
	 */
	private void reach(FbdpSession session, PipeMode mode, PipeRole role, String setup) throws Exception {
		byte[] server = (mode == PipeMode.BIND) ? CLIENT : null;
		if (setup.equals("CREATED")) {
			return;
		}
		session.open();
		switch (setup) {
			case "WAITING", "OPENING" -> {
			}
			case "OFFERED" -> session.onMessage(CLIENT, open(role.serverSocket()));
			case "NOT_READY" -> {
				session.onMessage(CLIENT, open(role.serverSocket()));
				session.onMessage(CLIENT, FbdpMessage.ready(0));
			}
			case "OPEN" -> session.onMessage(null, FbdpMessage.noop());
			case "TRANSMITTING" -> {
				if (mode == PipeMode.BIND) {
					session.onMessage(CLIENT, open(role.serverSocket()));
				}
				session.onMessage(server, FbdpMessage.ready(3));
			}
			case "CLOSED" -> {
				if (mode == PipeMode.BIND) {
					session.onMessage(CLIENT, open(role.serverSocket()));
				}
				session.onMessage(server, FbdpMessage.close(FbdpErrorCode.OK));
			}
			default -> throw new IllegalArgumentException("Unknown state '" + setup + "'");
		}
		assertThat(session.state().name()).isEqualTo(switch (setup) {
			case "OPENING", "OFFERED", "NOT_READY" -> "OPEN";
			default -> setup;
		});
	}

	/**
	 * Hand a session a message as the pipe does: a DATA without flags from the session's peer on
	 * the short path, everything else decoded.
	 */
	private static void feed(FbdpSession session, byte[] sender, PipeRole role, String column) throws Exception {
		switch (Column.valueOf(column)) {
			case DATA -> {
				if (session.isSessionPeer(sender)) {
					session.onData(PAYLOAD);
				}
				else {
					session.onMessage(sender, FbdpMessage.data(PAYLOAD));
				}
			}
			case MALFORMED -> session.onInvalid(sender, FbdpErrorCode.INVALID_MESSAGE, "Not an FBDP message");
			case GONE -> session.onPeerGone(sender);
			default -> session.onMessage(sender, message(Column.valueOf(column), role));
		}
	}

	private static FbdpMessage message(Column column, PipeRole role) {
		return switch (column) {
			case OPEN -> open(role.serverSocket());
			case OPEN_PIPE -> FbdpMessage.open("other", role.serverSocket(), "text/plain");
			case OPEN_SOCKET -> open(role.clientSocket());
			case READY_0 -> FbdpMessage.ready(0);
			case READY_3 -> FbdpMessage.ready(3);
			case NOOP -> FbdpMessage.noop();
			case NOOP_ACK -> new FbdpMessage.Noop(7, FbdpFlags.ACK_REQ);
			case DATA -> FbdpMessage.data(PAYLOAD);
			case DATA_ACK -> new FbdpMessage.Data(PAYLOAD, 0, FbdpFlags.ACK_REQ);
			case DATA_REPLY -> new FbdpMessage.Data(null, 0, FbdpFlags.ACK_REPLY);
			case CLOSE_OK -> FbdpMessage.close(FbdpErrorCode.OK);
			case CLOSE_ERROR -> FbdpMessage.close(FbdpErrorCode.ERROR, "broken");
			case MALFORMED, GONE -> throw new IllegalArgumentException(column + " is no message");
		};
	}

	private static FbdpMessage.Open open(PipeSocket socket) {
		return FbdpMessage.open("items", socket, "text/plain");
	}

	private static FbdpErrorCode code(String abbreviation) {
		return switch (abbreviation) {
			case "PV" -> FbdpErrorCode.PROTOCOL_VIOLATION;
			case "IM" -> FbdpErrorCode.INVALID_MESSAGE;
			case "PEU" -> FbdpErrorCode.PIPE_ENDPOINT_UNAVAILABLE;
			default -> throw new IllegalArgumentException("Unknown code '" + abbreviation + "'");
		};
	}

	private static String session(byte[] sender) {
		return (sender != null) ? FbdpSession.peerKey(sender) : FbdpSession.SERVER;
	}

	/**
	 * The messages of the tables' columns.
	 */
	enum Column {

		OPEN, OPEN_PIPE, OPEN_SOCKET, READY_0, READY_3, NOOP, NOOP_ACK, DATA, DATA_ACK, DATA_REPLY, CLOSE_OK,
		CLOSE_ERROR, MALFORMED, GONE

	}

	/**
	 * Records what a session asks for, one line per action; answers {@link #isReady()} with
	 * {@link #ready}.
	 */
	private static final class Recorder implements FbdpSession.Actions {

		final List<String> list = new ArrayList<>();

		final Set<String> awaitingDisconnect = new HashSet<>();

		boolean ready = true;

		@Nullable String cutOffWith;

		Runnable onOpened = () -> {
		};

		Consumer<FbdpMessage> onSend = (message) -> {
		};

		Runnable onAccept = () -> {
		};

		List<String> take() {
			List<String> taken = List.copyOf(this.list);
			this.list.clear();
			return taken;
		}

		void clear() {
			this.list.clear();
		}

		@Override
		public void send(FbdpMessage message) {
			this.list.add("send " + describe(message));
			this.onSend.accept(message);
		}

		@Override
		public void sendTo(byte[] peer, FbdpMessage message) {
			this.list.add("sendTo " + FbdpSession.peerKey(peer) + " " + describe(message));
		}

		@Override
		public void refused(String reason) {
			this.list.add("refused " + reason);
		}

		@Override
		public void schedule(Timer timer) {
			this.list.add("schedule " + timer);
		}

		@Override
		public void cancel(Timer timer) {
			this.list.add("cancel " + timer);
		}

		@Override
		public void opened(String dataFormat) {
			this.list.add("opened " + dataFormat);
			this.onOpened.run();
		}

		@Override
		public boolean isReady() {
			return this.ready;
		}

		@Override
		public void accept(byte[] data) throws DataRejectedException {
			this.onAccept.run();
			String text = new String(data, StandardCharsets.UTF_8);
			if (text.startsWith("bad")) {
				throw new DataRejectedException("unreadable " + text);
			}
			this.list.add("accept " + text);
		}

		@Override
		public @Nullable String rejected(DataRejectedException rejection) {
			this.list.add("rejected " + rejection.getMessage());
			return this.cutOffWith;
		}

		@Override
		public void batchStarted(int size) {
			this.list.add("batch " + size);
		}

		@Override
		public void transmit() {
			this.list.add("transmit");
		}

		@Override
		public void outputChanged() {
			this.list.add("output");
		}

		@Override
		public void ended(String peer, boolean closeSent, boolean peerHeard) {
			this.list.add("ended " + peer + (closeSent ? " close-sent" : " peer-closed")
					+ (peerHeard ? " heard" : " unheard"));
		}

		@Override
		public void closed() {
			this.list.add("closed");
		}

		@Override
		public void stop(String error) {
			this.list.add("stop " + ((error != null) ? error : "OK"));
		}

		@Override
		public boolean awaitsDisconnect(byte[] peer) {
			return this.awaitingDisconnect.contains(FbdpSession.peerKey(peer));
		}

		private static String describe(FbdpMessage message) {
			String text;
			if (message instanceof FbdpMessage.Open open) {
				text = "OPEN " + open.dataPipe() + " " + open.pipeSocket() + " " + open.dataFormat();
			}
			else if (message instanceof FbdpMessage.Ready ready) {
				text = "READY " + ready.batchSize();
			}
			else if (message instanceof FbdpMessage.Close close) {
				text = "CLOSE " + close.code()
						+ close.errors().stream().map((error) -> ": " + error.getDescription()).collect(Collectors.joining());
			}
			else {
				text = message.type().name();
			}
			return message.hasAckReply() ? text + " ack-reply" : text;
		}

	}

}
