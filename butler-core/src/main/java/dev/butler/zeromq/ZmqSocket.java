package dev.butler.zeromq;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A ZeroMQ socket, used by one thread at a time. Sends and receives take libzmq's flags; a send or
 * receive that would block with {@link #DONTWAIT}, or that timed out, answers {@code false} or
 * {@code null}; every other failure is a {@link ZmqException}.
 */
public interface ZmqSocket extends AutoCloseable {

	/** Do not wait: fail at once with EAGAIN instead. */
	int DONTWAIT = 1;

	/** More frames of this message follow. */
	int SNDMORE = 2;

	/**
	 * Return the type of the socket.
	 * @return the type
	 */
	ZmqSocketType type();

	/**
	 * Bind to an endpoint; a tcp port {@code *} takes a free one, which {@link #lastEndpoint()} tells.
	 * @param endpoint e.g. {@code tcp://127.0.0.1:5000}
	 */
	void bind(String endpoint);

	void connect(String endpoint);

	void unbind(String endpoint);

	void disconnect(String endpoint);

	/**
	 * Return the endpoint last bound or connected, with a wildcard port resolved.
	 * @return the endpoint, {@code null} before any
	 */
	@Nullable String lastEndpoint();

	/**
	 * Send one frame.
	 * @param frame the frame's bytes; the socket may keep the array, so do not change it afterwards
	 * @param flags {@link #DONTWAIT} and {@link #SNDMORE}
	 * @return whether it was queued: {@code false} when it would block with {@link #DONTWAIT}, or the
	 * send timeout passed
	 */
	boolean send(byte[] frame, int flags);

	/**
	 * Receive one frame.
	 * @param flags {@link #DONTWAIT} or 0
	 * @return the frame, {@code null} when none is waiting with {@link #DONTWAIT}, or the receive
	 * timeout passed
	 */
	byte @Nullable [] receive(int flags);

	/**
	 * Return whether the frame last received has more frames after it.
	 * @return whether more frames follow
	 */
	boolean hasMore();

	/**
	 * Return the events ready now: {@link ZmqPoller#POLLIN}, {@link ZmqPoller#POLLOUT}.
	 * @return the ready events
	 */
	int events();

	/**
	 * Send a message of several frames, all or none: once the first frame is queued, so are the others.
	 * @param frames the frames, at least one
	 * @param dontWait whether to fail rather than wait for room
	 * @return whether the message was queued
	 */
	default boolean sendMessage(List<byte[]> frames, boolean dontWait) {
		int last = frames.size() - 1;
		int wait = dontWait ? DONTWAIT : 0;
		for (int i = 0; i <= last; i++) {
			if (!send(frames.get(i), wait | ((i < last) ? SNDMORE : 0))) {
				if (i == 0) {
					return false;
				}
				throw new ZmqException(ZmqError.OTHER, "The socket refused frame " + (i + 1) + " of a message");
			}
		}
		return true;
	}

	/**
	 * Receive a whole message: its first frame as {@link #receive}, and every frame after it.
	 * @param dontWait whether to answer {@code null} rather than wait for a message
	 * @return the frames, {@code null} when no message is waiting
	 */
	default @Nullable List<byte[]> receiveMessage(boolean dontWait) {
		byte[] first = receive(dontWait ? DONTWAIT : 0);
		if (first == null) {
			return null;
		}
		List<byte[]> frames = new ArrayList<>(3);
		frames.add(first);
		while (hasMore()) {
			byte[] frame = receive(0);
			if (frame == null) {
				throw new ZmqException(ZmqError.OTHER, "A message ended without its last frame");
			}
			frames.add(frame);
		}
		return frames;
	}

	/**
	 * How long closing waits for queued messages to go out (ZMQ_LINGER).
	 * @param millis milliseconds, 0 to drop them, -1 to wait for ever
	 */
	void setLinger(int millis);

	void setSendHighWaterMark(int messages);

	void setReceiveHighWaterMark(int messages);

	void setSendTimeout(int millis);

	void setReceiveTimeout(int millis);

	/**
	 * ZMTP heartbeats: PINGs every {@code intervalMillis}; a connection whose peer does not answer
	 * within {@code timeoutMillis} is dropped, and the peer drops it after {@code ttlMillis}.
	 */
	void setHeartbeat(int intervalMillis, int timeoutMillis, int ttlMillis);

	/**
	 * The longest a ZMTP handshake may take before the connection is dropped and tried again.
	 * @param millis milliseconds, 0 for no limit
	 */
	void setHandshakeInterval(int millis);

	/**
	 * Return the longest a ZMTP handshake may take.
	 * @return milliseconds, 0 for no limit
	 */
	int handshakeInterval();

	/**
	 * A ROUTER refuses, with {@link ZmqError#HOST_UNREACHABLE}, a message it cannot route or (with
	 * {@link #DONTWAIT}) has no room for, instead of dropping it.
	 * @param mandatory whether unroutable messages fail
	 */
	void setRouterMandatory(boolean mandatory);

	/**
	 * Deliver {@code message} in line with the data when a peer's connection drops: on a ROUTER as a
	 * message from the peer's routing id, on other sockets as a message of its own. libzmq calls these
	 * ZMQ_DISCONNECT_MSG and ZMQ_HICCUP_MSG; an engine without them emulates them.
	 * @param message the single frame delivered
	 */
	void setPeerGoneMessage(byte[] message);

	/**
	 * The largest message accepted from a peer; a peer that sends a larger one is disconnected.
	 * @param bytes the limit, -1 for none
	 */
	void setMaxMessageSize(long bytes);

	/**
	 * Return the largest message accepted from a peer.
	 * @return the limit in bytes, -1 for none
	 */
	long maxMessageSize();

	void setRoutingId(byte[] routingId);

	void subscribe(byte[] prefix);

	/**
	 * Make the socket a CURVE server with this secret key; clients are checked by the ZAP handler of
	 * the domain, if any.
	 * @param secretKey the 32-byte secret key
	 * @param zapDomain the ZAP domain
	 */
	void setCurveServer(byte[] secretKey, String zapDomain);

	/**
	 * Report the socket's connection events.
	 * @param events the {@link ZmqEvent.Type}s to report, {@link ZmqEvent.Type#ALL} for all
	 * @return the monitor, to be closed before this socket
	 */
	ZmqMonitor monitor(int events);

	/**
	 * Close the socket; queued messages go out within its linger.
	 */
	@Override
	void close();

}
