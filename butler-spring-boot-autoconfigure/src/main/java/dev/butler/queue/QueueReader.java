package dev.butler.queue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.SerializationFeature;

/**
 * A consumer of a {@link DirectoryQueue}: claims messages from {@code incoming/} by renaming them into
 * its own subdirectory of {@code pending/}, then disposes of each by {@link #commit committing},
 * {@link #handOn handing it on} to the next queue, {@link #banish banishing} it to {@code errors/},
 * or {@link #release releasing} it. Several readers, in one process or many, may share a queue:
 * each message is claimed by exactly one. Opening a reader recovers the messages that consumers of
 * ended processes left in {@code pending/}. Use a reader from one thread.
 */
public final class QueueReader implements AutoCloseable {

	/** Suffix of the metadata file written beside a banished message. */
	public static final String META_SUFFIX = ".meta";

	/** Files in {@code tmp/} older than this are leftovers of a writer that died; recovery deletes them. */
	static final Duration TMP_EXPIRY = Duration.ofHours(1);

	private static final Log logger = LogFactory.getLog(QueueReader.class);

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private final DirectoryQueue queue;

	private final QueueOwner owner;

	private final Path claimed;

	private final QueueStatistics statistics;

	private List<String> names = List.of();

	private int cursor;

	private boolean closed;

	private QueueReader(DirectoryQueue queue, QueueOwner owner, Path claimed, QueueStatistics statistics) {
		this.queue = queue;
		this.owner = owner;
		this.claimed = claimed;
		this.statistics = statistics;
	}

	/**
	 * Open a reader and recover messages that consumers of ended processes left in {@code pending/}.
	 * @param queue the queue
	 * @param statistics where to count
	 * @return the reader
	 * @throws QueueException if the reader's directory cannot be created
	 */
	public static QueueReader open(DirectoryQueue queue, QueueStatistics statistics) throws QueueException {
		QueueOwner owner = QueueOwner.create();
		Path claimed = queue.pending().resolve(owner.toString());
		try {
			Files.createDirectory(claimed);
		}
		catch (IOException ex) {
			owner.retire();
			throw QueueException.of("create consumer directory", claimed, ex);
		}
		QueueReader reader = new QueueReader(queue, owner, claimed, statistics);
		try {
			reader.recover();
		}
		catch (QueueException ex) {
			reader.close();
			throw ex;
		}
		return reader;
	}

	/**
	 * Put the messages that consumers of ended processes (or closed readers of this one) left in
	 * {@code pending/} back into {@code incoming/}, and delete expired leftovers from {@code tmp/}.
	 * Consumers on other hosts are left alone: their liveness cannot be told from here.
	 * @return how many messages were put back
	 * @throws QueueException if {@code pending/} cannot be listed
	 */
	public int recover() throws QueueException {
		int recovered = 0;
		List<Path> unowned = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(this.queue.pending())) {
			for (Path entry : entries) {
				String name = entry.getFileName().toString();
				if (!Files.isDirectory(entry)) {
					unowned.add(entry);
					continue;
				}
				QueueOwner other = QueueOwner.parse(name).orElse(null);
				if (other != null && !other.equals(this.owner) && other.isGone()) {
					recovered += returnAll(entry, "recover");
				}
			}
		}
		catch (IOException ex) {
			throw QueueException.of("list", this.queue.pending(), ex);
		}
		if (!unowned.isEmpty()) {
			logger.warn(unowned.size() + " message(s) lie in '" + this.queue.pending()
					+ "' outside any consumer's directory (left by another implementation of the filer protocol?);"
					+ " move them to '" + this.queue.incoming() + "' to process them again");
		}
		if (recovered > 0) {
			this.statistics.recovered.addAndGet(recovered);
			logger.info("Recovered " + recovered + " message(s) of ended consumers into '" + this.queue.incoming() + "'");
		}
		deleteExpiredTemporaryFiles();
		return recovered;
	}

	private int returnAll(Path directory, String action) throws QueueException {
		int count = 0;
		try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
			for (Path file : files) {
				try {
					DirectoryQueue.moveAtomically(file, this.queue.incoming().resolve(file.getFileName()));
					count++;
				}
				catch (NoSuchFileException ex) {
					// another consumer recovered it first
				}
			}
			if (count > 0) {
				DirectoryQueue.syncDirectory(this.queue.incoming());
			}
			Files.deleteIfExists(directory);
		}
		catch (NoSuchFileException | DirectoryNotEmptyException ex) {
			// another consumer is recovering the same directory
		}
		catch (IOException ex) {
			throw QueueException.of(action + " messages from", directory, ex);
		}
		return count;
	}

	private void deleteExpiredTemporaryFiles() {
		FileTime expired = FileTime.from(Instant.now().minus(TMP_EXPIRY));
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.queue.tmp())) {
			for (Path file : files) {
				if (Files.getLastModifiedTime(file).compareTo(expired) < 0) {
					DirectoryQueue.deleteQuietly(file);
				}
			}
		}
		catch (IOException ex) {
			logger.debug("Cannot clean '" + this.queue.tmp() + "'", ex);
		}
	}

	/**
	 * Claim the next message of {@code incoming/}, oldest name first. The directory is listed only
	 * when the names of the last listing are used up. Messages that another consumer claims first are
	 * skipped.
	 * @return the message, or {@code null} if {@code incoming/} is empty
	 * @throws QueueException if the queue cannot be listed or a message cannot be moved
	 */
	public QueueMessage next() throws QueueException {
		boolean listed = false;
		while (true) {
			if (this.cursor >= this.names.size()) {
				if (listed) {
					return null;
				}
				list();
				listed = true;
				if (this.names.isEmpty()) {
					return null;
				}
			}
			String name = this.names.get(this.cursor++);
			Path target = this.claimed.resolve(name);
			try {
				DirectoryQueue.moveAtomically(this.queue.incoming().resolve(name), target);
				this.statistics.claimed.incrementAndGet();
				return new QueueMessage(name, target);
			}
			catch (NoSuchFileException ex) {
				if (!Files.isDirectory(this.claimed)) {
					throw QueueException.of("claim into", this.claimed, ex);
				}
				this.statistics.skipped.incrementAndGet();
			}
			catch (IOException ex) {
				this.statistics.failures.incrementAndGet();
				throw QueueException.of("claim message", this.queue.incoming().resolve(name), ex);
			}
		}
	}

	private void list() throws QueueException {
		List<String> found = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(this.queue.incoming())) {
			for (Path entry : entries) {
				String name = entry.getFileName().toString();
				if (!name.startsWith(".")) {
					found.add(name);
				}
			}
		}
		catch (IOException ex) {
			this.statistics.failures.incrementAndGet();
			throw QueueException.of("list", this.queue.incoming(), ex);
		}
		Collections.sort(found);
		this.names = found;
		this.cursor = 0;
	}

	/**
	 * Return how many names of the last listing are still to be tried: a cheap estimate of the
	 * backlog that does not list the directory.
	 * @return the remaining names
	 */
	public int listedRemaining() {
		return this.names.size() - this.cursor;
	}

	/**
	 * Done with a message: delete it.
	 * @param message a claimed message
	 * @throws QueueException if it cannot be deleted; it then stays claimed
	 */
	public void commit(QueueMessage message) throws QueueException {
		try {
			Files.delete(message.path());
			this.statistics.committed.incrementAndGet();
		}
		catch (IOException ex) {
			this.statistics.failures.incrementAndGet();
			throw QueueException.of("delete message", message.path(), ex);
		}
	}

	/**
	 * Pass a message on unchanged to the next queue's {@code incoming/}, by rename; the next queue's
	 * directory is synced.
	 * @param message a claimed message
	 * @param next the next queue, on the same filesystem
	 * @throws QueueException if it cannot be moved; it then stays claimed
	 */
	public void handOn(QueueMessage message, DirectoryQueue next) throws QueueException {
		try {
			DirectoryQueue.moveAtomically(message.path(), next.incoming().resolve(message.name()));
			DirectoryQueue.syncDirectory(next.incoming());
			this.statistics.handedOn.incrementAndGet();
		}
		catch (IOException ex) {
			this.statistics.failures.incrementAndGet();
			throw QueueException.of("hand on message to", next.incoming(), ex);
		}
	}

	/**
	 * Pass new content on to the next queue under the message's name, durably, then delete the
	 * message.
	 * @param message a claimed message
	 * @param next the next queue
	 * @param content the content to pass on
	 * @throws QueueException if it cannot be written; the message then stays claimed
	 */
	public void handOn(QueueMessage message, DirectoryQueue next, byte[] content) throws QueueException {
		try {
			next.put(message.name(), content, this.owner.toString());
		}
		catch (QueueException ex) {
			this.statistics.failures.incrementAndGet();
			throw ex;
		}
		this.statistics.handedOn.incrementAndGet();
		try {
			Files.delete(message.path());
		}
		catch (IOException ex) {
			this.statistics.failures.incrementAndGet();
			throw QueueException.of("delete message", message.path(), ex);
		}
	}

	/**
	 * Move a message to {@code errors/} with a {@code .meta} file beside it, written first.
	 * @param message a claimed message
	 * @param reason why the message is banished
	 * @param failure the exception that made it fail, may be {@code null}
	 * @param attempts how many times it was processed
	 * @throws QueueException if it cannot be moved; it then stays claimed
	 */
	public void banish(QueueMessage message, String reason, Throwable failure, int attempts) throws QueueException {
		Map<String, Object> meta = new LinkedHashMap<>();
		meta.put("message", message.name());
		meta.put("reason", reason);
		meta.put("time", Instant.now().toString());
		meta.put("attempts", attempts);
		meta.put("consumer", this.owner.toString());
		if (failure != null) {
			meta.put("exception", failure.getClass().getName());
			meta.put("exceptionMessage", failure.getMessage());
			StringWriter trace = new StringWriter();
			failure.printStackTrace(new PrintWriter(trace));
			meta.put("stackTrace", trace.toString());
		}
		Path metaFile = this.queue.tmp().resolve(message.name() + "." + this.owner + META_SUFFIX);
		try {
			DirectoryQueue.writeDurably(metaFile, JSON.writeValueAsBytes(meta));
			DirectoryQueue.moveAtomically(metaFile, this.queue.errors().resolve(message.name() + META_SUFFIX));
			DirectoryQueue.moveAtomically(message.path(), this.queue.errors().resolve(message.name()));
			DirectoryQueue.syncDirectory(this.queue.errors());
			this.statistics.banished.incrementAndGet();
		}
		catch (IOException ex) {
			DirectoryQueue.deleteQuietly(metaFile);
			this.statistics.failures.incrementAndGet();
			throw QueueException.of("banish message to", this.queue.errors(), ex);
		}
	}

	/**
	 * Put a claimed message back into {@code incoming/} for any consumer to take again. The next
	 * {@link #next()} lists {@code incoming/} again, so that the message keeps its place in name order.
	 * @param message a claimed message
	 * @throws QueueException if it cannot be moved; it then stays claimed until recovered
	 */
	public void release(QueueMessage message) throws QueueException {
		try {
			DirectoryQueue.moveAtomically(message.path(), this.queue.incoming().resolve(message.name()));
			DirectoryQueue.syncDirectory(this.queue.incoming());
			this.statistics.released.incrementAndGet();
			this.names = List.of();
			this.cursor = 0;
		}
		catch (IOException ex) {
			this.statistics.failures.incrementAndGet();
			throw QueueException.of("release message to", this.queue.incoming(), ex);
		}
	}

	/**
	 * Return the queue this reader consumes.
	 * @return the queue
	 */
	public DirectoryQueue queue() {
		return this.queue;
	}

	/**
	 * Return the name of this reader's subdirectory of {@code pending/}.
	 * @return the consumer name: host, process id, process start and a counter
	 */
	public String consumer() {
		return this.owner.toString();
	}

	/**
	 * Count the messages this reader holds.
	 * @return the number of claimed messages
	 * @throws QueueException if the directory cannot be listed
	 */
	public long countClaimed() throws QueueException {
		return DirectoryQueue.countFiles(this.claimed);
	}

	/**
	 * Release every message still claimed and remove this reader's directory. Messages that cannot be
	 * moved stay; the next reader to open recovers them.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			int released = returnAll(this.claimed, "release");
			this.statistics.released.addAndGet(released);
		}
		catch (QueueException ex) {
			this.statistics.failures.incrementAndGet();
			logger.warn(ex.getMessage() + "; they will be recovered when a consumer of the queue starts");
		}
		finally {
			this.owner.retire();
		}
	}

}
