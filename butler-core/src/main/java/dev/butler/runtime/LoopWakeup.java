package dev.butler.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;

/**
 * Wakes a thread blocked in a ZeroMQ poll from any other thread. JeroMQ sockets must not be touched
 * from foreign threads and do not tolerate interrupts, so the poller also watches this pipe.
 */
public final class LoopWakeup implements AutoCloseable {

	private final Pipe pipe;

	private final ByteBuffer signal = ByteBuffer.allocate(1);

	private final ByteBuffer drain = ByteBuffer.allocate(64);

	/**
	 * Create a new wake-up pipe.
	 */
	public LoopWakeup() {
		try {
			this.pipe = Pipe.open();
			this.pipe.source().configureBlocking(false);
			this.pipe.sink().configureBlocking(false);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open wake-up pipe", ex);
		}
	}

	/**
	 * Return the channel to register with the poller for input.
	 * @return the selectable channel
	 */
	public SelectableChannel selectable() {
		return this.pipe.source();
	}

	/**
	 * Wake the polling thread. Safe to call from any thread; a full pipe already means a pending wake-up.
	 */
	public void wake() {
		synchronized (this.signal) {
			try {
				this.signal.clear();
				this.pipe.sink().write(this.signal);
			}
			catch (IOException ex) {
				// closed: nobody is left to wake
			}
		}
	}

	/**
	 * Consume pending wake-ups. Called by the polling thread.
	 */
	public void drain() {
		try {
			while (this.pipe.source().read(this.drain.clear()) > 0) {
				// keep reading
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read wake-up pipe", ex);
		}
	}

	@Override
	public void close() {
		try {
			this.pipe.sink().close();
			this.pipe.source().close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

}
