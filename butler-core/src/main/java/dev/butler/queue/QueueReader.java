package dev.butler.queue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A consumer of a {@link DirectoryQueue}: claims messages from {@code incoming/} by renaming them into
 * its own subdirectory of {@code pending/}, then disposes of each by {@link #commit committing},
 * {@link #handOn handing it on} to the next queue, {@link #banish banishing} it to {@code errors/},
 * or {@link #release releasing} it. Several readers, in one process or many, may share a queue:
 * each message is claimed by exactly one. Opening a reader recovers the messages that consumers of
 * ended processes left in {@code pending/}, counting in each message's file name how often it was
 * recovered; a message recovered more often than allowed is banished instead, as it may be what
 * ends its consumers. No move replaces a file: a message whose name is taken where it goes gets a
 * variant of it, {@code <name>+2} and so on. Use a reader from one thread.
 */
public final class QueueReader implements AutoCloseable {

	/** Suffix of the metadata file written beside a banished message. */
	public static final String META_SUFFIX = ".meta";

	/** How many times a message is recovered before recovery banishes it, unless told otherwise. */
	public static final int DEFAULT_MAX_RECOVERIES = 3;

	/** Files in {@code tmp/} older than this are leftovers of a writer that died; recovery deletes them. */
	static final Duration TMP_EXPIRY = Duration.ofHours(1);

	private static final Log logger = LogFactory.getLog(QueueReader.class);

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private final DirectoryQueue queue;

	private final QueueOwner owner;

	private final Path claimed;

	private final QueueStatistics statistics;

	private final int maxRecoveries;

	/**
	 * Names of the files in this reader's directory, which only this reader adds to; a name stays
	 * when a move out failed half-way, which costs at most a needless variant name later.
	 */
	private final Set<String> held = new HashSet<>();

	private List<String> names = List.of();

	private int cursor;

	private boolean closed;

	private QueueReader(DirectoryQueue queue, QueueOwner owner, Path claimed, QueueStatistics statistics,
			int maxRecoveries) {
		this.queue = queue;
		this.owner = owner;
		this.claimed = claimed;
		this.statistics = statistics;
		this.maxRecoveries = maxRecoveries;
	}

	/**
	 * Open a reader and recover messages that consumers of ended processes left in {@code pending/},
	 * banishing those recovered {@link #DEFAULT_MAX_RECOVERIES} times before.
	 * @param queue the queue
	 * @param statistics where to count
	 * @return the reader
	 * @throws QueueException if the reader's directory cannot be created
	 */
	public static QueueReader open(DirectoryQueue queue, QueueStatistics statistics) throws QueueException {
		return open(queue, statistics, DEFAULT_MAX_RECOVERIES);
	}

	/**
	 * Open a reader and recover messages that consumers of ended processes left in {@code pending/}.
	 * @param queue the queue
	 * @param statistics where to count
	 * @param maxRecoveries how many times a message may be recovered: one found again with a
	 * consumer that ended is banished to {@code errors/} instead; {@code 0} banishes it the first time
	 * @return the reader
	 * @throws QueueException if the reader's directory cannot be created
	 * @throws IllegalArgumentException if {@code maxRecoveries} is negative
	 */
	public static QueueReader open(DirectoryQueue queue, QueueStatistics statistics, int maxRecoveries)
			throws QueueException {
		if (maxRecoveries < 0) {
			throw new IllegalArgumentException("'maxRecoveries' must not be negative, but is " + maxRecoveries);
		}
		QueueOwner owner = QueueOwner.create();
		Path claimed = queue.pending().resolve(owner.toString());
		try {
			Files.createDirectory(claimed);
		}
		catch (IOException ex) {
			owner.retire();
			throw QueueException.of("create consumer directory", claimed, ex);
		}
		QueueReader reader = new QueueReader(queue, owner, claimed, statistics, maxRecoveries);
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
	 * Each message put back counts one more recovery in its file name ({@code <name>+r<n>}); one
	 * recovered as often as this reader allows already is banished to {@code errors/} instead.
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
					recovered += recoverAll(entry);
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
			this.statistics.recovered.add(recovered);
			logger.info("Recovered " + recovered + " message(s) of ended consumers into '" + this.queue.incoming() + "'");
		}
		deleteExpiredTemporaryFiles();
		return recovered;
	}

	/**
	 * Recover the messages of an ended consumer: take each into this reader's directory first, so
	 * that of several readers recovering at once only one gets it, then put it back into
	 * {@code incoming/} with its recovery count raised, or banish it.
	 */
	private int recoverAll(Path directory) throws QueueException {
		int count = 0;
		try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
			for (Path file : files) {
				MessageFile taken = freeInClaimed(MessageFile.parse(file.getFileName().toString()));
				Path held = this.claimed.resolve(taken.fileName());
				try {
					DirectoryQueue.moveAtomically(file, held);
					this.held.add(taken.fileName());
				}
				catch (NoSuchFileException ex) {
					// another consumer recovered it first
					continue;
				}
				if (taken.recoveries() >= this.maxRecoveries) {
					banishRecovered(new QueueMessage(taken.name(), held, taken.recoveries()), directory);
				}
				else {
					DirectoryQueue.moveNoReplace(held, this.queue.incoming(), taken.recovered(), DirectoryQueue.Repeat.NEVER);
					this.held.remove(taken.fileName());
					count++;
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
			throw QueueException.of("recover messages from", directory, ex);
		}
		return count;
	}

	private void banishRecovered(QueueMessage message, Path endedConsumer) {
		String consumer = endedConsumer.getFileName().toString();
		String reason = "Recovered " + message.recoveries() + " time(s) from consumers that ended without finishing it;"
				+ " its last consumer, '" + consumer + "', ended too, and at most " + this.maxRecoveries
				+ " recoveries are allowed";
		try {
			banish(message, reason, null, message.recoveries() + 1, Map.of("lastConsumer", consumer));
			logger.warn("Banished message '" + message.name() + "' to '" + this.queue.errors() + "': " + reason);
		}
		catch (QueueException ex) {
			logger.error(ex.getMessage() + "; message '" + message.name() + "' stays in '" + this.claimed
					+ "' until this consumer ends");
		}
	}

	/**
	 * Put every message of this reader's directory back into {@code incoming/}, keeping its
	 * recovery count, and remove the directory.
	 */
	private int releaseAll() throws QueueException {
		int count = 0;
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.claimed)) {
			for (Path file : files) {
				try {
					DirectoryQueue.moveNoReplace(file, this.queue.incoming(),
							MessageFile.parse(file.getFileName().toString()), DirectoryQueue.Repeat.NEVER);
					count++;
				}
				catch (NoSuchFileException ex) {
					// gone meanwhile
				}
			}
			if (count > 0) {
				DirectoryQueue.syncDirectory(this.queue.incoming());
			}
			Files.deleteIfExists(this.claimed);
		}
		catch (NoSuchFileException | DirectoryNotEmptyException ex) {
			// nothing left to release, or a file that could not be moved stays for recovery
		}
		catch (IOException ex) {
			throw QueueException.of("release messages from", this.claimed, ex);
		}
		return count;
	}

	/**
	 * Return a file name free in this reader's directory: the file's own, or a variant of it if this
	 * reader holds a message of that name.
	 */
	private MessageFile freeInClaimed(MessageFile file) throws QueueException {
		for (int variant = 1; variant <= MessageFile.MAX_VARIANTS; variant++) {
			MessageFile candidate = file.variant(variant);
			if (!this.held.contains(candidate.fileName())) {
				if (variant > 1) {
					logger.warn("Consumer '" + this.owner + "' holds a message named '" + file.name()
							+ "' already: it takes another one of that name as '" + candidate.name() + "'");
				}
				return candidate;
			}
		}
		throw new QueueException("Cannot claim message '" + file.name() + "' into '" + this.claimed
				+ "': it holds messages of that name and " + (MessageFile.MAX_VARIANTS - 1) + " variants of it", null);
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
	public @Nullable QueueMessage next() throws QueueException {
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
			MessageFile file = freeInClaimed(MessageFile.parse(name));
			Path target = this.claimed.resolve(file.fileName());
			try {
				DirectoryQueue.moveAtomically(this.queue.incoming().resolve(name), target);
				this.held.add(file.fileName());
				this.statistics.claimed.increment();
				return new QueueMessage(file.name(), target, file.recoveries());
			}
			catch (NoSuchFileException ex) {
				if (!Files.isDirectory(this.claimed)) {
					throw QueueException.of("claim into", this.claimed, ex);
				}
				this.statistics.skipped.increment();
			}
			catch (IOException ex) {
				this.statistics.failures.increment();
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
			this.statistics.failures.increment();
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
			released(message);
			this.statistics.committed.increment();
		}
		catch (IOException ex) {
			this.statistics.failures.increment();
			throw QueueException.of("delete message", message.path(), ex);
		}
	}

	/**
	 * Pass a message on unchanged to the next queue's {@code incoming/}, by a hard link and the
	 * deletion of the claimed file; the next queue's directory is synced. A message of that name
	 * there stays, and this one gets a variant name ({@code <name>+2}, ...).
	 * @param message a claimed message
	 * @param next the next queue, on the same filesystem
	 * @return the name of the message in the next queue
	 * @throws QueueException if it cannot be moved; it then stays claimed
	 */
	public String handOn(QueueMessage message, DirectoryQueue next) throws QueueException {
		try {
			String placed = DirectoryQueue.moveNoReplace(message.path(), next.incoming(),
					new MessageFile(message.name(), 0), DirectoryQueue.Repeat.NEVER);
			released(message);
			DirectoryQueue.syncDirectory(next.incoming());
			this.statistics.handedOn.increment();
			return placed;
		}
		catch (IOException ex) {
			this.statistics.failures.increment();
			throw QueueException.of("hand on message to", next.incoming(), ex);
		}
	}

	/**
	 * Pass new content on to the next queue under the message's name, durably, then delete the
	 * message. A message of that name there stays, and this one gets a variant name
	 * ({@code <name>+2}, ...); but if this message was recovered and that one has the same content,
	 * it is taken as this one, handed on before its consumer ended, and not handed on twice.
	 * @param message a claimed message
	 * @param next the next queue
	 * @param content the content to pass on
	 * @return the name of the message in the next queue
	 * @throws QueueException if it cannot be written; the message then stays claimed
	 */
	public String handOn(QueueMessage message, DirectoryQueue next, byte[] content) throws QueueException {
		String placed;
		try {
			placed = next.put(message.name(), content, this.owner.toString(), message.recoveries() > 0);
		}
		catch (QueueException ex) {
			this.statistics.failures.increment();
			throw ex;
		}
		this.statistics.handedOn.increment();
		try {
			Files.delete(message.path());
			released(message);
		}
		catch (IOException ex) {
			this.statistics.failures.increment();
			throw QueueException.of("delete message", message.path(), ex);
		}
		return placed;
	}

	/**
	 * Move a message to {@code errors/} with a {@code .meta} file beside it, written first. A message
	 * of that name there stays, and this one gets a variant name ({@code <name>+2}, ...).
	 * @param message a claimed message
	 * @param reason why the message is banished
	 * @param failure the exception that made it fail, may be {@code null}
	 * @param attempts how many times it was processed
	 * @throws QueueException if it cannot be moved; it then stays claimed
	 */
	public void banish(QueueMessage message, String reason, @Nullable Throwable failure, int attempts)
			throws QueueException {
		banish(message, reason, failure, attempts, Map.of());
	}

	private void banish(QueueMessage message, String reason, @Nullable Throwable failure, int attempts,
			Map<String, Object> details) throws QueueException {
		Map<String, Object> meta = new LinkedHashMap<>();
		meta.put("message", message.name());
		meta.put("reason", reason);
		meta.put("time", Instant.now().toString());
		meta.put("attempts", attempts);
		meta.put("recoveries", message.recoveries());
		meta.put("consumer", this.owner.toString());
		meta.putAll(details);
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
			moveToErrors(message, metaFile);
			released(message);
			DirectoryQueue.syncDirectory(this.queue.errors());
			this.statistics.banished.increment();
		}
		catch (IOException ex) {
			DirectoryQueue.deleteQuietly(metaFile);
			this.statistics.failures.increment();
			throw QueueException.of("banish message to", this.queue.errors(), ex);
		}
	}

	/**
	 * Move the metadata, then the message, into {@code errors/} under the first name free for both.
	 */
	private void moveToErrors(QueueMessage message, Path metaFile) throws IOException {
		MessageFile file = new MessageFile(message.name(), 0);
		for (int variant = 1; variant <= MessageFile.MAX_VARIANTS; variant++) {
			MessageFile candidate = file.variant(variant);
			Path target = this.queue.errors().resolve(candidate.fileName());
			Path metaTarget = this.queue.errors().resolve(candidate.fileName() + META_SUFFIX);
			boolean metaLinked;
			try {
				metaLinked = DirectoryQueue.linkOrMove(metaFile, metaTarget);
			}
			catch (FileAlreadyExistsException ex) {
				continue;
			}
			try {
				if (DirectoryQueue.linkOrMove(message.path(), target)) {
					Files.delete(message.path());
				}
				if (metaLinked) {
					Files.delete(metaFile);
				}
				return;
			}
			catch (FileAlreadyExistsException ex) {
				takeBack(metaTarget, metaFile, metaLinked);
			}
			catch (IOException ex) {
				takeBack(metaTarget, metaFile, metaLinked);
				throw ex;
			}
		}
		throw new FileAlreadyExistsException(this.queue.errors().resolve(message.name()).toString(), null,
				"File exists, as do " + (MessageFile.MAX_VARIANTS - 1) + " variants of its name");
	}

	private static void takeBack(Path metaTarget, Path metaFile, boolean linked) throws IOException {
		if (linked) {
			Files.delete(metaTarget);
		}
		else {
			DirectoryQueue.moveAtomically(metaTarget, metaFile);
		}
	}

	/**
	 * Put a claimed message back into {@code incoming/} for any consumer to take again, keeping its
	 * recovery count. The next {@link #next()} lists {@code incoming/} again, so that the message
	 * keeps its place in name order.
	 * @param message a claimed message
	 * @throws QueueException if it cannot be moved; it then stays claimed until recovered
	 */
	public void release(QueueMessage message) throws QueueException {
		try {
			DirectoryQueue.moveNoReplace(message.path(), this.queue.incoming(),
					new MessageFile(message.name(), message.recoveries()), DirectoryQueue.Repeat.NEVER);
			released(message);
			DirectoryQueue.syncDirectory(this.queue.incoming());
			this.statistics.released.increment();
			this.names = List.of();
			this.cursor = 0;
		}
		catch (IOException ex) {
			this.statistics.failures.increment();
			throw QueueException.of("release message to", this.queue.incoming(), ex);
		}
	}

	private void released(QueueMessage message) {
		this.held.remove(message.path().getFileName().toString());
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
			int released = releaseAll();
			this.statistics.released.add(released);
		}
		catch (QueueException ex) {
			this.statistics.failures.increment();
			logger.warn(ex.getMessage() + "; they will be recovered when a consumer of the queue starts");
		}
		finally {
			this.owner.retire();
		}
	}

}
