package dev.butler.zeromq;

import org.jspecify.annotations.Nullable;
import org.zeromq.ZMQ;


/**
 * A JeroMQ socket monitor, read from an inproc PAIR.
 */
final class JeroMqMonitor implements ZmqMonitor {

	private final ZMQ.Socket monitored;

	private final ZMQ.Socket reader;

	JeroMqMonitor(ZMQ.Socket monitored, ZMQ.Socket reader) {
		this.monitored = monitored;
		this.reader = reader;
	}

	ZMQ.Socket reader() {
		return this.reader;
	}

	@Override
	public @Nullable ZmqEvent receive(long timeoutMillis) {
		ZMQ.Event event;
		if (timeoutMillis == 0) {
			event = ZMQ.Event.recv(this.reader, ZMQ.DONTWAIT);
		}
		else {
			this.reader.setReceiveTimeOut((int) Math.min(timeoutMillis, Integer.MAX_VALUE));
			event = ZMQ.Event.recv(this.reader, 0);
		}
		if (event == null) {
			return null;
		}
		ZmqEvent.Type type = ZmqEvent.Type.of(event.getEvent());
		if (type == null) {
			return receive(0);
		}
		Object value = event.getValue();
		return new ZmqEvent(type, String.valueOf(event.getAddress()),
				(value instanceof Number number) ? number.longValue() : -1);
	}

	@Override
	public void close() {
		// The monitor stops before its reader closes: JeroMQ's I/O thread would block on an event
		// once the reader is gone, stalling every socket of the context.
		this.monitored.monitor(null, 0);
		this.reader.close();
	}

}
