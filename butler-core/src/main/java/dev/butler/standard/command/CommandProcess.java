package dev.butler.standard.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

/**
 * One run of an external command: the OS process, started by {@code setsid} in a process group of
 * its own when there is a {@code setsid}, the threads that log its output and watch it end, and how
 * it is ended: SIGTERM to its process group, SIGKILL after the kill timeout. When the command ends
 * on its own, what it left running in its group is ended the same way, and its output is read to
 * the end before {@link #ended()} completes.
 */
final class CommandProcess {

	/** Lines of standard error kept for the outcome. */
	static final int STDERR_TAIL = 20;

	/** Longest line logged as one; a longer one is logged in pieces of this many characters. */
	static final int MAX_LINE = 8192;

	/** How long ending the command waits after SIGKILL. */
	private static final Duration AFTER_KILL = Duration.ofSeconds(2);

	private static final long POLL_MILLIS = 50;

	private final Process process;

	private final boolean ownGroup;

	private final Duration killAfter;

	private final @Nullable Pattern readyLine;

	private final Log log;

	private final CompletableFuture<String> readyLineSeen = new CompletableFuture<>();

	private final CompletableFuture<Integer> ended = new CompletableFuture<>();

	private final Deque<String> stderrTail = new ArrayDeque<>();

	private final List<Thread> readers = new ArrayList<>();

	private volatile boolean stopping;

	private CommandProcess(Process process, boolean ownGroup, Duration killAfter, @Nullable Pattern readyLine,
			Log log) {
		this.process = process;
		this.ownGroup = ownGroup;
		this.killAfter = killAfter;
		this.readyLine = readyLine;
		this.log = log;
	}

	/**
	 * Start a command.
	 * @param command the program and its arguments
	 * @param workingDirectory the directory it runs in
	 * @param environment variables added to those of this process
	 * @param setsid the {@code setsid} program that starts it in a process group of its own, or
	 * {@code null} to start it in this process's group and signal it and its descendants one by one
	 * @param killAfter how long to wait after SIGTERM before SIGKILL
	 * @param readyLine what a line of standard output that makes the command ready matches, or
	 * {@code null}
	 * @param log where its output goes: standard output at INFO, standard error at WARN
	 * @param threads what starts the threads that read its output and wait for its end
	 * @return the running command
	 * @throws IOException if the process cannot be started
	 */
	static CommandProcess start(List<String> command, Path workingDirectory, Map<String, String> environment,
			@Nullable Path setsid, Duration killAfter, @Nullable Pattern readyLine, Log log, ThreadStarter threads)
			throws IOException {
		List<String> launched = new ArrayList<>();
		if (setsid != null) {
			launched.add(setsid.toString());
		}
		launched.addAll(command);
		ProcessBuilder builder = new ProcessBuilder(launched).directory(workingDirectory.toFile());
		builder.environment().putAll(environment);
		Process process = builder.start();
		// Its standard input is at its end from the start.
		process.getOutputStream().close();
		CommandProcess started = new CommandProcess(process, setsid != null, killAfter, readyLine, log);
		try {
			started.readers.add(threads.start("command-out", () -> started.read(process.getInputStream(), false)));
			started.readers.add(threads.start("command-err", () -> started.read(process.getErrorStream(), true)));
			threads.start("command-wait", started::awaitEnd);
		}
		catch (RuntimeException ex) {
			started.signal(true);
			throw ex;
		}
		return started;
	}

	/**
	 * Return the id of the process, which is also the id of its process group if it has its own.
	 * @return the process id
	 */
	long pid() {
		return this.process.pid();
	}

	/**
	 * Return whether the command runs in a process group of its own.
	 * @return whether it has its own group
	 */
	boolean hasOwnGroup() {
		return this.ownGroup;
	}

	/**
	 * Return a future completed with the first line of standard output that matched the ready line.
	 * @return the future, never completed without a ready line
	 */
	CompletableFuture<String> readyLineSeen() {
		return this.readyLineSeen;
	}

	/**
	 * Return a future completed with the exit code of the command once it ended, what it left in
	 * its process group was ended, and its output was read to the end.
	 * @return the future
	 */
	CompletableFuture<Integer> ended() {
		return this.ended;
	}

	/**
	 * Return the last lines the command wrote to standard error, at most {@link #STDERR_TAIL}.
	 * @return the lines, oldest first
	 */
	List<String> stderrTail() {
		synchronized (this.stderrTail) {
			return List.copyOf(this.stderrTail);
		}
	}

	/**
	 * End the command, unless it already ended: SIGTERM to its process group; SIGKILL to the group,
	 * and to the descendants that left it, if they have not all ended within the kill timeout.
	 * Returns once the command ended and its output was read, or soon after SIGKILL if a process
	 * outside its group holds its output open. Safe from any thread; a second call waits for the
	 * first.
	 * @return whether SIGKILL was needed
	 */
	synchronized boolean stop() {
		this.stopping = true;
		if (this.ended.isDone()) {
			return false;
		}
		List<ProcessHandle> members = members();
		signal(false);
		long deadline = System.nanoTime() + this.killAfter.toNanos();
		boolean outsidersTerminated = false;
		try {
			while (true) {
				if (this.ended.isDone()) {
					List<ProcessHandle> outsiders = members.stream().filter(CommandProcess::isRunning).toList();
					if (outsiders.isEmpty()) {
						return false;
					}
					if (!outsidersTerminated) {
						outsiders.forEach(ProcessHandle::destroy);
						outsidersTerminated = true;
					}
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					break;
				}
				pause(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.log.warn("Command did not end within " + print(this.killAfter)
				+ " of SIGTERM: sending SIGKILL" + (this.ownGroup ? " to its process group " + pid() : ""));
		signal(true);
		members.forEach(ProcessHandle::destroyForcibly);
		if (!await(this.ended, AFTER_KILL)) {
			this.log.warn("Output of the command still open " + print(AFTER_KILL)
					+ " after SIGKILL: a process outside its process group holds it");
		}
		return true;
	}

	/**
	 * Print a duration as people write it in properties, {@code 5s} or {@code 500ms}.
	 * @param duration the duration
	 * @return the text
	 */
	static String print(Duration duration) {
		return (duration.toNanosPart() == 0) ? duration.toSeconds() + "s"
				: duration.toMillis() + "ms";
	}

	/**
	 * The process and its descendants now, including those that left its process group.
	 */
	private List<ProcessHandle> members() {
		if (!this.process.isAlive()) {
			return List.of();
		}
		return Stream.concat(Stream.of(this.process.toHandle()), this.process.descendants()).toList();
	}

	/**
	 * Return whether a process runs: alive, and not a zombie that its parent, e.g. an {@code init}
	 * that reaps now and then, has not reaped yet.
	 */
	static boolean isRunning(ProcessHandle process) {
		if (!process.isAlive()) {
			return false;
		}
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
			int state = stat.lastIndexOf(')') + 2;
			return state >= 2 && state < stat.length() && stat.charAt(state) != 'Z' && stat.charAt(state) != 'X';
		}
		catch (IOException ex) {
			// no /proc, or the process is gone
			return process.isAlive();
		}
	}

	private void pause(long nanos) throws InterruptedException {
		if (this.ended.isDone()) {
			TimeUnit.NANOSECONDS.sleep(nanos);
			return;
		}
		try {
			this.ended.get(nanos, TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			// looked at again by the caller
		}
	}

	/**
	 * Wait for the process to exit, end what it left in its group, read its output to the end and
	 * complete {@link #ended()}. Runs on a thread of its own.
	 */
	private void awaitEnd() {
		int exitCode = waitForExit();
		if (this.ownGroup && !this.stopping) {
			signalGroup("TERM");
		}
		boolean drained = joinReaders(this.killAfter);
		if (this.ownGroup) {
			signalGroup("KILL");
		}
		if (!drained && !joinReaders(AFTER_KILL)) {
			this.log.warn("Command ended with exit code " + exitCode
					+ ", but a process outside its process group holds its output open; it is no longer read");
		}
		this.ended.complete(exitCode);
	}

	private int waitForExit() {
		while (true) {
			try {
				return this.process.waitFor();
			}
			catch (InterruptedException ex) {
				// nothing stops this thread but the end of the process
			}
		}
	}

	private boolean joinReaders(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (Thread reader : this.readers) {
			long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
			try {
				if (remaining > 0) {
					reader.join(remaining);
				}
				if (reader.isAlive()) {
					return false;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

	/**
	 * Send SIGTERM or SIGKILL to the command's process group, or, without a group of its own, to
	 * the process and its descendants.
	 */
	private void signal(boolean kill) {
		if (this.ownGroup && signalGroup(kill ? "KILL" : "TERM")) {
			return;
		}
		this.process.descendants().forEach(kill ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
		if (kill) {
			this.process.destroyForcibly();
		}
		else {
			this.process.destroy();
		}
	}

	/**
	 * Send a signal to the command's process group with the shell's {@code kill}.
	 * @return whether {@code kill} could be run; it fails harmlessly if no process is left in the group
	 */
	private boolean signalGroup(String signal) {
		try {
			Process kill = new ProcessBuilder("sh", "-c", "kill -s " + signal + " -- -" + pid())
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!kill.waitFor(5, TimeUnit.SECONDS)) {
				kill.destroyForcibly();
				return false;
			}
			return true;
		}
		catch (IOException ex) {
			this.log.warn("Cannot send SIG" + signal + " to process group " + pid() + ": " + ex.getMessage());
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static boolean await(CompletableFuture<?> future, Duration timeout) {
		try {
			future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException | ExecutionException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Log the lines of one output stream until it ends. Runs on a thread of its own.
	 */
	private void read(InputStream stream, boolean stderr) {
		try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
			char[] buffer = new char[4096];
			StringBuilder line = new StringBuilder();
			int read;
			while ((read = reader.read(buffer)) >= 0) {
				for (int i = 0; i < read; i++) {
					char ch = buffer[i];
					if (ch == '\n') {
						emit(line, stderr);
					}
					else {
						line.append(ch);
						if (line.length() >= MAX_LINE) {
							emit(line, stderr);
						}
					}
				}
			}
			if (!line.isEmpty()) {
				emit(line, stderr);
			}
		}
		catch (IOException ex) {
			// the stream was closed: the process is gone
		}
	}

	private void emit(StringBuilder buffer, boolean stderr) {
		int length = buffer.length();
		if (length > 0 && buffer.charAt(length - 1) == '\r') {
			length--;
		}
		String line = buffer.substring(0, length);
		buffer.setLength(0);
		if (stderr) {
			this.log.warn(line);
			synchronized (this.stderrTail) {
				if (this.stderrTail.size() == STDERR_TAIL) {
					this.stderrTail.removeFirst();
				}
				this.stderrTail.addLast(line);
			}
		}
		else {
			this.log.info(line);
			if (this.readyLine != null && !this.readyLineSeen.isDone() && this.readyLine.matcher(line).find()) {
				this.readyLineSeen.complete(line);
			}
		}
	}

	/**
	 * Starts the threads of a command, e.g. {@link dev.butler.service.ServiceContext#startThread}.
	 */
	@FunctionalInterface
	interface ThreadStarter {

		/**
		 * Start a thread.
		 * @param purpose what it does, e.g. {@code command-out}
		 * @param task what it runs
		 * @return the started thread
		 */
		Thread start(String purpose, Runnable task);

	}

}
