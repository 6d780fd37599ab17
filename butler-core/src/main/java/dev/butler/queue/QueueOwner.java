package dev.butler.queue;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who holds messages in {@code pending/}: the name of a consumer's subdirectory there, made of host,
 * process id, process start time and a counter within the process, e.g.
 * {@code host1.4242.1763900000000.3}. The start time tells a live process from a later one that got
 * the same process id.
 */
record QueueOwner(String host, long pid, long startMillis, long sequence) {

	private static final AtomicLong SEQUENCE = new AtomicLong();

	private static final Set<QueueOwner> LIVE = ConcurrentHashMap.newKeySet();

	private static final long CURRENT_START = startMillis(ProcessHandle.current());

	/**
	 * Create a new owner for a consumer of this process and mark it live until {@link #retire()}.
	 * @return the owner
	 */
	static QueueOwner create() {
		QueueOwner owner = new QueueOwner(DirectoryQueue.host(), ProcessHandle.current().pid(), CURRENT_START,
				SEQUENCE.incrementAndGet());
		LIVE.add(owner);
		return owner;
	}

	/**
	 * Parse a subdirectory name of {@code pending/}.
	 * @param name the name
	 * @return the owner, empty if the name is not an owner's
	 */
	static Optional<QueueOwner> parse(String name) {
		String[] parts = name.split("\\.");
		if (parts.length < 4) {
			return Optional.empty();
		}
		try {
			long sequence = Long.parseLong(parts[parts.length - 1]);
			long start = Long.parseLong(parts[parts.length - 2]);
			long pid = Long.parseLong(parts[parts.length - 3]);
			String host = name.substring(0, name.length() - parts[parts.length - 1].length()
					- parts[parts.length - 2].length() - parts[parts.length - 3].length() - 3);
			return host.isEmpty() ? Optional.empty() : Optional.of(new QueueOwner(host, pid, start, sequence));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Whether this owner is a consumer on another host: its liveness cannot be told from here.
	 * @return {@code true} if it is on another host
	 */
	boolean isRemote() {
		return !this.host.equals(DirectoryQueue.host());
	}

	/**
	 * Whether the process of this owner is gone, or, in this process, the consumer was retired.
	 * @return {@code true} if nobody holds this owner's messages any more
	 */
	boolean isGone() {
		if (isRemote()) {
			return false;
		}
		if (this.pid == ProcessHandle.current().pid() && this.startMillis == CURRENT_START) {
			return !LIVE.contains(this);
		}
		return ProcessHandle.of(this.pid)
			.map((process) -> !process.isAlive() || isOtherStart(startMillis(process)))
			.orElse(true);
	}

	private boolean isOtherStart(long start) {
		return start != 0 && this.startMillis != 0 && start != this.startMillis;
	}

	/**
	 * Mark this owner's consumer as ended.
	 */
	void retire() {
		LIVE.remove(this);
	}

	private static long startMillis(ProcessHandle process) {
		return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
	}

	@Override
	public String toString() {
		return this.host + "." + this.pid + "." + this.startMillis + "." + this.sequence;
	}

}
