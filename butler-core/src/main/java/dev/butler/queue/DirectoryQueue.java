package dev.butler.queue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A queue of messages kept as files in a directory, by Mentat's filer protocol: {@code incoming/}
 * holds complete messages, {@code pending/} the messages being processed, {@code tmp/} files being
 * written, and {@code errors/} the messages that could not be processed. A message becomes visible in
 * {@code incoming/} only when it is complete and durable: it is written to {@code tmp/}, synced,
 * renamed into {@code incoming/}, and the directory is synced. A group of messages is synced with
 * one sync of the file system where a {@link FileSystemSync} is available, else file by file.
 * <p>
 * Several processes may share a queue as long as it stays on one filesystem, where renames are
 * atomic. Consumers take messages with a {@link QueueReader}. Instances are thread-safe.
 */
public final class DirectoryQueue {

	/** Subdirectory of complete messages waiting to be processed. */
	public static final String INCOMING = "incoming";

	/** Subdirectory of messages being processed, one subdirectory per consumer. */
	public static final String PENDING = "pending";

	/** Subdirectory of files being written. */
	public static final String TMP = "tmp";

	/** Subdirectory of messages that could not be processed, each with a {@code .meta} file. */
	public static final String ERRORS = "errors";

	private static final Log logger = LogFactory.getLog(DirectoryQueue.class);

	private static final AtomicLong SEQUENCE = new AtomicLong();

	private static final String HOST = hostName();

	private final Path directory;

	private final Path incoming;

	private final Path pending;

	private final Path tmp;

	private final Path errors;

	private final Object fileStore;

	private final @Nullable Executor groupSync;

	private final FileSystemSync fileSystemSync;

	private DirectoryQueue(Path directory, @Nullable Executor groupSync, FileSystemSync fileSystemSync)
			throws IOException {
		this.directory = directory;
		this.groupSync = groupSync;
		this.fileSystemSync = fileSystemSync;
		this.incoming = directory.resolve(INCOMING);
		this.pending = directory.resolve(PENDING);
		this.tmp = directory.resolve(TMP);
		this.errors = directory.resolve(ERRORS);
		this.fileStore = fileStoreOf(directory);
		for (Path sub : List.of(this.incoming, this.pending, this.tmp, this.errors)) {
			if (!Objects.equals(fileStoreOf(sub), this.fileStore)) {
				throw new QueueException("Queue subdirectory '" + sub + "' is on another filesystem than '" + directory
						+ "': messages could not move between them atomically", null);
			}
		}
	}

	/**
	 * Open a queue directory, creating it and its subdirectories if needed. {@link #enqueueAll} syncs
	 * a group with the {@link FileSystemSync#available() available} file-system sync, or else writes
	 * and syncs its files on the calling thread helped by up to 7 tasks on {@code groupSync}, an
	 * executor the caller owns and closes, e.g. the pool a runtime's queues share
	 * ({@code ButlerThreads.queueSync()}).
	 * @param directory the queue directory
	 * @param permissions permissions of directories created, or {@code null} to use the process's
	 * umask
	 * @param groupSync the helper threads of group commits, or {@code null} to write a group on the
	 * calling thread alone
	 * @return the queue
	 * @throws QueueException if the directories cannot be created or are not writable
	 */
	public static DirectoryQueue open(Path directory, @Nullable Set<PosixFilePermission> permissions,
			@Nullable Executor groupSync) throws QueueException {
		return open(directory, permissions, groupSync, FileSystemSync.available());
	}

	/**
	 * Open a queue directory, creating it and its subdirectories if needed, whose group commits use a
	 * given file-system sync, e.g. {@link FileSystemSync#perFile()} to sync each file.
	 * @param directory the queue directory
	 * @param permissions permissions of directories created, or {@code null} to use the process's
	 * umask
	 * @param groupSync the helper threads of per-file group commits, or {@code null} to write a group
	 * on the calling thread alone
	 * @param fileSystemSync how a group is made durable
	 * @return the queue
	 * @throws QueueException if the directories cannot be created or are not writable
	 */
	public static DirectoryQueue open(Path directory, @Nullable Set<PosixFilePermission> permissions,
			@Nullable Executor groupSync, FileSystemSync fileSystemSync) throws QueueException {
		Path root = directory.toAbsolutePath().normalize();
		try {
			createDirectory(root, permissions);
			for (String sub : List.of(INCOMING, PENDING, TMP, ERRORS)) {
				createDirectory(root.resolve(sub), permissions);
			}
			return new DirectoryQueue(root, groupSync, fileSystemSync);
		}
		catch (QueueException ex) {
			throw ex;
		}
		catch (IOException ex) {
			throw QueueException.of("open queue directory", root, ex);
		}
	}

	/**
	 * Open a queue directory, creating it and its subdirectories if needed, that writes a group on
	 * the calling thread alone.
	 * @param directory the queue directory
	 * @param permissions permissions of directories created, or {@code null} to use the process's
	 * umask
	 * @return the queue
	 * @throws QueueException if the directories cannot be created or are not writable
	 * @see #open(Path, Set, Executor)
	 */
	public static DirectoryQueue open(Path directory, @Nullable Set<PosixFilePermission> permissions)
			throws QueueException {
		return open(directory, permissions, null);
	}

	/**
	 * Open a queue directory with the process's default permissions, that writes a group on the
	 * calling thread alone.
	 * @param directory the queue directory
	 * @return the queue
	 * @throws QueueException if the directories cannot be created or are not writable
	 * @see #open(Path, Set, Executor)
	 */
	public static DirectoryQueue open(Path directory) throws QueueException {
		return open(directory, null, null);
	}

	/**
	 * Parse permissions given as octal digits ({@code 770}) or as {@code rwxrwx---}.
	 * @param permissions the permissions
	 * @return the parsed permissions
	 * @throws IllegalArgumentException if the text is neither form
	 */
	public static Set<PosixFilePermission> parsePermissions(String permissions) {
		String text = permissions.trim();
		if (text.matches("0?[0-7]{3}")) {
			int mode = Integer.parseInt(text, 8);
			StringBuilder symbolic = new StringBuilder();
			for (int shift = 6; shift >= 0; shift -= 3) {
				int bits = (mode >> shift) & 7;
				symbolic.append(((bits & 4) != 0) ? 'r' : '-')
					.append(((bits & 2) != 0) ? 'w' : '-')
					.append(((bits & 1) != 0) ? 'x' : '-');
			}
			text = symbolic.toString();
		}
		return PosixFilePermissions.fromString(text);
	}

	private static void createDirectory(Path path, @Nullable Set<PosixFilePermission> permissions) throws IOException {
		if (!Files.isDirectory(path)) {
			try {
				Files.createDirectories(path);
			}
			catch (FileAlreadyExistsException ex) {
				if (!Files.isDirectory(path)) {
					throw new QueueException("Cannot open queue directory '" + path + "': a file of that name exists", ex);
				}
			}
			if (permissions != null && Files.getFileAttributeView(path, PosixFileAttributeView.class) != null) {
				Files.setPosixFilePermissions(path, permissions);
			}
		}
		if (!Files.isWritable(path)) {
			throw new QueueException("Cannot open queue directory '" + path + "': it is not writable", null);
		}
	}

	private static Object fileStoreOf(Path path) throws IOException {
		try {
			return Files.getAttribute(path, "unix:dev");
		}
		catch (UnsupportedOperationException | IllegalArgumentException ex) {
			return Files.getFileStore(path);
		}
	}

	/**
	 * Whether messages can move between this queue and another one by an atomic rename: both must be
	 * on one filesystem.
	 * @param other the other queue
	 * @return {@code true} if they share a filesystem
	 */
	public boolean isOnSameFileSystem(DirectoryQueue other) {
		return this.fileStore.equals(other.fileStore);
	}

	/**
	 * Append a message durably: it is in {@code incoming/} and synced when this returns.
	 * @param content the message
	 * @return the message name
	 * @throws QueueException if it cannot be written; nothing is then left in {@code incoming/}
	 */
	public String enqueue(byte[] content) throws QueueException {
		return enqueueAll(List.of(content)).get(0);
	}

	/**
	 * Append messages durably as a group: all files are written and synced, then renamed into
	 * {@code incoming/}, and the directory is synced once. The files are synced by one sync of their
	 * file system where a {@link FileSystemSync} is available, else each on its own. Much faster per
	 * message than {@link #enqueue(byte[])} for many messages; on failure none of the messages not
	 * yet renamed is visible.
	 * @param contents the messages
	 * @return the message names, in order
	 * @throws QueueException if they cannot be written
	 */
	public List<String> enqueueAll(List<byte[]> contents) throws QueueException {
		int count = contents.size();
		List<String> names = new ArrayList<>(count);
		List<Path> files = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			String name = newMessageName();
			names.add(name);
			files.add(this.tmp.resolve(name));
		}
		try {
			// All files are synced before the first rename: no message is visible before it is durable.
			if (count > 1 && this.fileSystemSync != PerFileSync.INSTANCE) {
				writeAllThenSync(files, contents);
			}
			else {
				writeAllDurably(files, contents);
			}
			for (int i = 0; i < count; i++) {
				moveAtomically(files.get(i), this.incoming.resolve(names.get(i)));
			}
			syncDirectory(this.incoming);
			return names;
		}
		catch (IOException ex) {
			for (Path file : files) {
				deleteQuietly(file);
			}
			throw QueueException.of("enqueue into", this.incoming, ex);
		}
	}

	/**
	 * Write every file of a group, then sync their file system once: two syncs per group with the
	 * directory's, however many files it has.
	 * @param files the files to create
	 * @param contents their contents
	 * @throws IOException the first failure; files already written are left
	 */
	private void writeAllThenSync(List<Path> files, List<byte[]> contents) throws IOException {
		for (int i = 0; i < files.size(); i++) {
			write(files.get(i), contents.get(i), false);
		}
		this.fileSystemSync.sync(this.tmp);
	}

	/**
	 * How many files of a group are written and synced at once, the calling thread included. A sync
	 * waits mostly for the disk; concurrent syncs of one filesystem share its journal commits (ext4's
	 * jbd2 commits the files of all waiting syncs together), so a group costs a few commits rather than
	 * one per file.
	 */
	private static final int GROUP_SYNC_THREADS = 8;

	/**
	 * Write and sync each file, a group on up to {@link #GROUP_SYNC_THREADS} threads, and return when
	 * every one is durable or, if any failed, when none is being written any more.
	 * @param files the files to create
	 * @param contents their contents
	 * @throws IOException the first failure; files that failed are deleted, the others are left
	 */
	private void writeAllDurably(List<Path> files, List<byte[]> contents) throws IOException {
		if (files.size() == 1) {
			writeDurably(files.get(0), contents.get(0));
			return;
		}
		GroupWrite group = new GroupWrite(files, contents);
		Executor helpers = this.groupSync;
		try {
			for (int i = 0; helpers != null && i < Math.min(files.size(), GROUP_SYNC_THREADS) - 1; i++) {
				helpers.execute(group);
			}
		}
		catch (RejectedExecutionException ex) {
			// The pool is closing: the calling thread writes what the helpers do not.
		}
		group.run();
		group.await();
	}

	/**
	 * The files of one group, taken one at a time by the calling thread and the helpers. The calling
	 * thread works too, so a group completes even when all helpers are busy with other groups; a
	 * helper that starts after the group is done finds nothing left.
	 */
	private static final class GroupWrite implements Runnable {

		private final List<Path> files;

		private final List<byte[]> contents;

		private final AtomicInteger next = new AtomicInteger();

		private final CountDownLatch done;

		private final AtomicReference<Throwable> failure = new AtomicReference<>();

		GroupWrite(List<Path> files, List<byte[]> contents) {
			this.files = files;
			this.contents = contents;
			this.done = new CountDownLatch(files.size());
		}

		@Override
		public void run() {
			int index;
			while ((index = this.next.getAndIncrement()) < this.files.size()) {
				try {
					if (this.failure.get() == null) {
						writeDurably(this.files.get(index), this.contents.get(index));
					}
				}
				catch (Throwable ex) {
					this.failure.compareAndSet(null, ex);
				}
				finally {
					this.done.countDown();
				}
			}
		}

		/**
		 * Wait until every file is written or skipped, even when interrupted: the caller cleans up
		 * afterwards, and no helper may create a file after that. An interrupt fails the group, as it
		 * does a write of the calling thread.
		 */
		void await() throws IOException {
			boolean interrupted = false;
			while (true) {
				try {
					this.done.await();
					break;
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
			Throwable ex = this.failure.get();
			if (interrupted) {
				Thread.currentThread().interrupt();
				if (ex == null) {
					throw new InterruptedIOException("Interrupted while syncing messages");
				}
			}
			if (ex instanceof IOException io) {
				throw io;
			}
			if (ex instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (ex instanceof Error error) {
				throw error;
			}
		}

	}

	/**
	 * Put a message durably into {@code incoming/} under a given name, e.g. when a stage hands on a
	 * changed message under its original name. A message already there of that name stays: this one
	 * gets a variant name ({@code <name>+2}, ...), unless it is a repeat of that message.
	 * @param name the message name
	 * @param content the message
	 * @param writer who writes it, to make the temporary file's name unique
	 * @param repeatable whether a message of that name and the same content in {@code incoming/} is
	 * this one, put there before its consumer ended; it is then not put twice
	 * @return the name under which the message is in {@code incoming/}
	 * @throws QueueException if it cannot be written; nothing is then left in {@code incoming/}
	 */
	String put(String name, byte[] content, String writer, boolean repeatable) throws QueueException {
		Path file = this.tmp.resolve(name + "." + writer);
		try {
			writeDurably(file, content);
			String placed = moveNoReplace(file, this.incoming, new MessageFile(name, 0),
					(existing) -> repeatable && hasContent(existing, content));
			syncDirectory(this.incoming);
			return placed;
		}
		catch (IOException ex) {
			deleteQuietly(file);
			throw QueueException.of("enqueue into", this.incoming, ex);
		}
	}

	private static boolean hasContent(Path file, byte[] content) throws IOException {
		return Files.size(file) == content.length && Arrays.equals(Files.readAllBytes(file), content);
	}

	/**
	 * Move a message file into a directory without replacing any file there. The file is linked
	 * under its name, or when that is taken under a variant of it ({@code <name>+2}, ...), then the
	 * source is deleted. A file of the name that already is this message (see {@code repeat}) is
	 * kept and the source deleted: the move was done before, by a consumer that ended before it
	 * could delete the source.
	 * @param source the message file
	 * @param directory where to move it
	 * @param file the message name and recovery count to give it there
	 * @param repeat whether a file found under a name already is this message; a file that is the
	 * source itself (a hard link left behind) always is
	 * @return the message name under which it is in the directory
	 * @throws IOException if it cannot be moved; the source then stays (in both places if only its
	 * deletion failed)
	 */
	static String moveNoReplace(Path source, Path directory, MessageFile file, Repeat repeat) throws IOException {
		for (int variant = 1; variant <= MessageFile.MAX_VARIANTS; variant++) {
			MessageFile candidate = file.variant(variant);
			Path target = directory.resolve(candidate.fileName());
			try {
				if (linkOrMove(source, target)) {
					Files.delete(source);
				}
				if (variant > 1) {
					logger.warn("'" + directory + "' already holds a message named '" + file.name()
							+ "': this one is moved there as '" + candidate.name() + "'");
				}
				return candidate.name();
			}
			catch (FileAlreadyExistsException ex) {
				if (isRepeat(target, source, repeat)) {
					logger.info("'" + directory + "' holds message '" + candidate.name()
							+ "' already, from a consumer that ended before it finished: it is not added twice");
					Files.delete(source);
					return candidate.name();
				}
			}
		}
		throw new FileAlreadyExistsException(directory.resolve(file.fileName()).toString(), null,
				"File exists, as do " + (MessageFile.MAX_VARIANTS - 1) + " variants of its name");
	}

	private static boolean isRepeat(Path existing, Path source, Repeat repeat) throws IOException {
		try {
			return Files.isSameFile(existing, source) || repeat.test(existing);
		}
		catch (NoSuchFileException ex) {
			// taken meanwhile: the next variant is tried
			return false;
		}
	}

	/**
	 * Give a file a second name, failing if that exists: a hard link, which never replaces a file.
	 * Where the filesystem refuses hard links (one without them, or {@code fs.protected_hardlinks}
	 * for another user's file) the file is renamed instead, after a check that the name is free.
	 * @param source the file
	 * @param target the new name
	 * @return {@code true} if linked, so that the source is still to be deleted; {@code false} if
	 * renamed
	 * @throws FileAlreadyExistsException if the target exists
	 * @throws IOException if neither works
	 */
	static boolean linkOrMove(Path source, Path target) throws IOException {
		try {
			Files.createLink(target, source);
			return true;
		}
		catch (FileAlreadyExistsException | NoSuchFileException ex) {
			throw ex;
		}
		catch (UnsupportedOperationException | FileSystemException ex) {
			logger.debug("Cannot link '" + source + "' as '" + target + "'; renaming it", ex);
			if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
				throw new FileAlreadyExistsException(target.toString());
			}
			moveAtomically(source, target);
			return false;
		}
	}

	/**
	 * Whether a file found under a name already is the message to be moved there.
	 */
	@FunctionalInterface
	interface Repeat {

		/** Never: only the source itself is. */
		Repeat NEVER = (existing) -> false;

		boolean test(Path existing) throws IOException;

	}

	static Path writeDurably(Path file, byte[] content) throws IOException {
		return write(file, content, true);
	}

	/**
	 * Write a new file, and sync it if {@code force}; unsynced, it waits for a sync of the file
	 * system.
	 */
	private static Path write(Path file, byte[] content, boolean force) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			ByteBuffer buffer = ByteBuffer.wrap(content);
			while (buffer.hasRemaining()) {
				channel.write(buffer);
			}
			if (force) {
				channel.force(true);
			}
		}
		catch (IOException ex) {
			deleteQuietly(file);
			throw ex;
		}
		return file;
	}

	static void moveAtomically(Path source, Path target) throws IOException {
		Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
	}

	/**
	 * Sync a directory, so that renames into it survive a crash of the machine.
	 * @param directory the directory
	 * @throws IOException if it cannot be synced
	 */
	static void syncDirectory(Path directory) throws IOException {
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
	}

	static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// best effort: a leftover in tmp/ is never seen as a message
		}
	}

	/**
	 * Return a new message name, unique across hosts and processes: time, host, process id and a
	 * counter, e.g. {@code 1763900000000.host1.4242.000000017}. Names sort by creation time.
	 * @return the name
	 */
	static String newMessageName() {
		return "%013d.%s.%d.%09d".formatted(System.currentTimeMillis(), HOST, ProcessHandle.current().pid(),
				SEQUENCE.incrementAndGet());
	}

	static String host() {
		return HOST;
	}

	private static String hostName() {
		String name;
		try {
			name = InetAddress.getLocalHost().getHostName();
		}
		catch (IOException ex) {
			name = "localhost";
		}
		String safe = name.replaceAll("[^A-Za-z0-9.-]", "-");
		return safe.isEmpty() ? "localhost" : safe;
	}

	/**
	 * Count the messages waiting in {@code incoming/}. Lists the directory.
	 * @return the number of messages
	 * @throws QueueException if the directory cannot be listed
	 */
	public long countIncoming() throws QueueException {
		return countFiles(this.incoming);
	}

	/**
	 * Count the messages waiting in {@code incoming/} for a report, where a failure is no reason to
	 * fail: {@code -1} if the directory cannot be listed.
	 * @return the number of messages, or {@code -1}
	 */
	public long backlog() {
		try {
			return countIncoming();
		}
		catch (QueueException ex) {
			return -1;
		}
	}

	/**
	 * Count the messages in {@code errors/}, not counting their {@code .meta} files.
	 * @return the number of banished messages
	 * @throws QueueException if the directory cannot be listed
	 */
	public long countErrors() throws QueueException {
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(this.errors,
				(path) -> !path.getFileName().toString().endsWith(QueueReader.META_SUFFIX))) {
			long count = 0;
			for (Path ignored : entries) {
				count++;
			}
			return count;
		}
		catch (IOException ex) {
			throw QueueException.of("list", this.errors, ex);
		}
	}

	static long countFiles(Path directory) throws QueueException {
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
			long count = 0;
			for (Path ignored : entries) {
				count++;
			}
			return count;
		}
		catch (IOException ex) {
			throw QueueException.of("list", directory, ex);
		}
	}

	/**
	 * Return how this queue makes a group durable.
	 * @return the file-system sync, {@link FileSystemSync#perFile()} when each file is synced
	 */
	public FileSystemSync fileSystemSync() {
		return this.fileSystemSync;
	}

	/**
	 * Return the queue directory.
	 * @return the absolute directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Return the {@code incoming/} subdirectory.
	 * @return the directory of complete messages
	 */
	public Path incoming() {
		return this.incoming;
	}

	/**
	 * Return the {@code pending/} subdirectory.
	 * @return the directory of messages being processed
	 */
	public Path pending() {
		return this.pending;
	}

	/**
	 * Return the {@code tmp/} subdirectory.
	 * @return the directory of files being written
	 */
	public Path tmp() {
		return this.tmp;
	}

	/**
	 * Return the {@code errors/} subdirectory.
	 * @return the directory of banished messages
	 */
	public Path errors() {
		return this.errors;
	}

	@Override
	public String toString() {
		return this.directory.toString();
	}

}
