package dev.butler.standard.command;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

import dev.butler.protocol.VendorUids;
import dev.butler.service.ButlerService;
import dev.butler.service.DurationRange;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;
import dev.butler.standard.text.ValidRegex;

/**
 * Runs an external command as a service ({@code butler.command}): the OS process is started at
 * warm-up in a process group of its own, the service is READY once the command is
 * {@link ReadyWhen ready}, and each line of its standard output is logged at INFO, of its standard
 * error at WARN, by the logger {@code dev.butler.command.<id>}.
 * <p>
 * When the command ends on its own, what it left running in its process group is ended too and its
 * output is read to the end; then the service ends with outcome OK if the exit code is one of
 * {@code exit-codes}, else with outcome ERROR, the exit code and the last lines of its standard
 * error as details. The supervisor restarts it as any other service. When the service stops, its
 * process group gets SIGTERM, and SIGKILL if anything of it is left after {@code kill-after}, which
 * must be below the service's {@code stop-timeout}; descendants that left the group get the same.
 * So when the application stops, also on SIGTERM, no process of the command outlives it.
 * <p>
 * The process group comes from {@code setsid} (util-linux). Where there is none on the
 * {@code PATH}, the command runs in the application's process group, and stopping signals the
 * process and its descendants one by one; what the command leaves behind when it ends on its own
 * then keeps running.
 */
@ButlerService(oid = CommandService.AGENT_OID, name = CommandService.AGENT_NAME, version = "0.1.0",
		classification = "process/command", description = "External command microservice")
public class CommandService implements MicroService<CommandService.Config>, EnvironmentAware {

	/** Agent name of the service, for {@code butler.services.<id>.agent}. */
	public static final String AGENT_NAME = "butler.command";

	/** Agent OID of the service; its uid is {@code uuid5(NAMESPACE_OID, oid)}. */
	public static final String AGENT_OID = VendorUids.BUTLER_OID + ".2.1";

	/** Prefix of the names of the loggers of the commands' output, followed by the service id. */
	public static final String LOGGER_PREFIX = "dev.butler.command.";

	/** The runtime's {@code stop-timeout} when the service does not set its own. */
	private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

	/** What {@code execvp} searches when there is no {@code PATH}. */
	private static final String DEFAULT_PATH = "/bin:/usr/bin";

	private static final long READY_POLL_MILLIS = 50;

	private static final int PORT_CONNECT_TIMEOUT_MILLIS = 200;

	private Environment environment;

	private ServiceContext context;

	private Config config;

	private Log log;

	private Path workingDirectory;

	private @Nullable Pattern readyLine;

	/** The command's process; read by the process monitor's thread too. */
	private volatile @Nullable CommandProcess process;

	/**
	 * Return the process id of the command while it runs, e.g. for the process monitor.
	 * @return the pid, empty if the command is not started or has ended
	 */
	public OptionalLong pid() {
		CommandProcess current = this.process;
		return (current != null && !current.ended().isDone()) ? OptionalLong.of(current.pid()) : OptionalLong.empty();
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void initialize(Config config, ServiceContext context) {
		this.context = context;
		this.config = config;
		this.process = null;
		this.log = LogFactory.getLog(LOGGER_PREFIX + context.serviceId());
		checkKillAfter();
		this.workingDirectory = workingDirectory();
		this.readyLine = (config.readyLine() != null) ? Pattern.compile(config.readyLine()) : null;
	}

	@Override
	public void acquireResources() {
		Map<String, String> environment = new HashMap<>(System.getenv());
		environment.putAll(this.config.environment());
		checkCommand(environment.getOrDefault("PATH", DEFAULT_PATH));
		Path setsid = findProgram("setsid", System.getenv().getOrDefault("PATH", DEFAULT_PATH), Path.of(""));
		if (setsid == null) {
			this.log.warn("No setsid on the PATH: the command runs in the application's process group, and what it "
					+ "leaves behind when it ends on its own is not ended");
		}
		List<String> command = new ArrayList<>();
		command.add(this.config.command());
		command.addAll(this.config.args());
		try {
			this.process = CommandProcess.start(command, this.workingDirectory, this.config.environment(), setsid,
					this.config.killAfter(), this.readyLine, this.log, this.context::startThread);
		}
		catch (IOException ex) {
			throw new ServiceConfigurationException(this.context.propertyName("command"), this.config.command(),
					"the command cannot be started (" + ex.getMessage() + ")", ex);
		}
		this.log.info("Started " + command + " as process " + this.process.pid() + " in "
				+ this.workingDirectory);
	}

	@Override
	public void startActivities() {
		awaitReady();
		CommandProcess started = started();
		started.ended().thenAcceptAsync((exitCode) -> commandEnded(started, exitCode), this.context.loopExecutor());
	}

	@Override
	public void stopActivities() {
		stopCommand();
	}

	@Override
	public void releaseResources() {
		stopCommand();
	}

	private CommandProcess started() {
		CommandProcess started = this.process;
		if (started == null) {
			throw new IllegalStateException("The command of service '" + this.context.serviceId() + "' was not started");
		}
		return started;
	}

	private void stopCommand() {
		CommandProcess current = this.process;
		if (current != null && current.stop()) {
			this.context.addOutcomeDetail("the command did not end within "
					+ CommandProcess.print(this.config.killAfter()) + " of SIGTERM and was killed with SIGKILL");
		}
	}

	/**
	 * Wait until the command is ready, failing the warm-up if it ends first or the service is told
	 * to stop meanwhile, e.g. past its warm-up timeout.
	 */
	private void awaitReady() {
		CommandProcess started = started();
		if (this.config.readyWhen() == ReadyWhen.STARTED) {
			return;
		}
		CompletableFuture<?> change = CompletableFuture.anyOf(started.ended(), started.readyLineSeen());
		while (!isReady(started)) {
			if (started.ended().isDone()) {
				throw new IllegalStateException(endedMessage(started, "before it was ready (" + readyCondition() + ")"));
			}
			if (this.context.stopRequested()) {
				// At once: the runtime may be closing, and a failed warm-up is cleaned up only after it is reported.
				stopCommand();
				throw new IllegalStateException("Command '" + this.config.command() + "' was told to stop before it was "
						+ "ready (" + readyCondition() + ")");
			}
			try {
				change.get(READY_POLL_MILLIS, TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException | ExecutionException ex) {
				// looked at again
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for command '" + this.config.command()
						+ "' to be ready", ex);
			}
		}
		this.log.info("Ready: " + readyCondition());
	}

	private boolean isReady(CommandProcess started) {
		return switch (this.config.readyWhen()) {
			case STARTED -> true;
			case LINE -> started.readyLineSeen().isDone();
			case PORT -> acceptsConnections(this.config.readyPort());
		};
	}

	private static boolean acceptsConnections(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), PORT_CONNECT_TIMEOUT_MILLIS);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private String readyCondition() {
		return switch (this.config.readyWhen()) {
			case STARTED -> "started";
			case LINE -> "a line matching '" + this.config.readyLine() + "' on its standard output";
			case PORT -> "127.0.0.1:" + this.config.readyPort() + " accepting connections";
		};
	}

	/**
	 * End the run as the command's exit code says. Runs on the service's loop.
	 */
	private void commandEnded(CommandProcess ended, int exitCode) {
		if (ended != this.process || this.context.stopRequested()) {
			return;
		}
		if (this.config.exitCodes().contains(exitCode)) {
			this.context.addOutcomeDetail("exit code " + exitCode);
			this.context.stop();
			return;
		}
		List<String> details = new ArrayList<>();
		details.add("exit code " + exitCode);
		ended.stderrTail().forEach((line) -> details.add("stderr: " + line));
		this.context.stop(details);
	}

	private String endedMessage(CommandProcess ended, String when) {
		StringBuilder message = new StringBuilder("Command '" + this.config.command() + "' ended with exit code "
				+ ended.ended().join() + " " + when);
		List<String> tail = ended.stderrTail();
		if (!tail.isEmpty()) {
			message.append("; its last lines on stderr:");
			tail.forEach((line) -> message.append("\n  ").append(line));
		}
		return message.toString();
	}

	/**
	 * Check that the kill timeout leaves the stop time to end: the runtime gives up waiting for the
	 * service after {@code stop-timeout}, and the command must be gone by then.
	 */
	private void checkKillAfter() {
		Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
		if (this.environment != null) {
			try {
				stopTimeout = Binder.get(this.environment)
					.bind(this.context.propertyName("stop-timeout"), Duration.class)
					.orElse(DEFAULT_STOP_TIMEOUT);
			}
			catch (BindException ex) {
				// the runtime reports its own key
			}
		}
		if (this.config.killAfter().compareTo(stopTimeout) >= 0) {
			throw new ServiceConfigurationException(this.context.propertyName("kill-after"),
					CommandProcess.print(this.config.killAfter()),
					"must be below " + this.context.propertyName("stop-timeout") + " ("
							+ CommandProcess.print(stopTimeout)
							+ "), so that the command is gone before the runtime stops waiting for the service");
		}
	}

	private Path workingDirectory() {
		String configured = this.config.workingDir();
		if (configured == null) {
			return Path.of("").toAbsolutePath();
		}
		try {
			Path directory = Path.of(configured).toAbsolutePath();
			if (!Files.isDirectory(directory)) {
				throw new ServiceConfigurationException(this.context.propertyName("working-dir"), configured,
						Files.exists(directory) ? "not a directory" : "no such directory");
			}
			return directory;
		}
		catch (InvalidPathException ex) {
			throw new ServiceConfigurationException(this.context.propertyName("working-dir"), configured,
					"not a path (" + ex.getMessage() + ")", ex);
		}
	}

	/**
	 * Check that the command names a program that can run: a file relative to the working
	 * directory if it has a slash, else a program on the command's {@code PATH}.
	 */
	private void checkCommand(String path) {
		String command = this.config.command();
		String property = this.context.propertyName("command");
		if (command.contains("/")) {
			Path program;
			try {
				program = this.workingDirectory.resolve(command);
			}
			catch (InvalidPathException ex) {
				throw new ServiceConfigurationException(property, command, "not a path (" + ex.getMessage() + ")", ex);
			}
			if (!Files.isRegularFile(program)) {
				throw new ServiceConfigurationException(property, command,
						Files.exists(program) ? "not a file" : "no such file in " + this.workingDirectory);
			}
			if (!Files.isExecutable(program)) {
				throw new ServiceConfigurationException(property, command, "the file is not executable");
			}
		}
		else if (findProgram(command, path, this.workingDirectory) == null) {
			throw new ServiceConfigurationException(property, command, "no such program on the PATH (" + path + ")"
					+ (command.strip().contains(" ") ? "; give its arguments in " + this.context.propertyName("args")
							: ""));
		}
	}

	/**
	 * Find an executable file in the directories of a {@code PATH}, as {@code execvp} does; an empty
	 * entry is the working directory.
	 * @return the program, or {@code null} if there is none
	 */
	private static @Nullable Path findProgram(String name, String path, Path workingDirectory) {
		for (String directory : path.split(File.pathSeparator, -1)) {
			try {
				Path candidate = workingDirectory.resolve(directory).resolve(name).toAbsolutePath();
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return candidate;
				}
			}
			catch (InvalidPathException ex) {
				// not a directory name: execvp skips it too
			}
		}
		return null;
	}

	/**
	 * When a command is ready, and so the service READY.
	 */
	public enum ReadyWhen {

		/** As soon as the process has started. */
		STARTED,

		/** When a line of its standard output matches {@code ready-line}. */
		LINE,

		/** When {@code 127.0.0.1:<ready-port>} accepts a TCP connection. */
		PORT

	}

	/**
	 * Options of the command service. Plain numbers for durations are milliseconds.
	 *
	 * @param command Program to run: a name looked up on the PATH, or a path, relative to the
	 * working directory if it is not absolute. Not run through a shell: give a shell command
	 * line as command=sh, args=[-c, line]
	 * @param args Arguments of the program
	 * @param workingDir Directory the command runs in; the application's working directory if not
	 * set
	 * @param environment Variables added to the application's environment for the command, or that
	 * replace those of the same name
	 * @param exitCodes Exit codes that end the service with outcome OK; any other ends it with
	 * outcome ERROR
	 * @param killAfter How long after SIGTERM to the command's process group the processes left in
	 * it get SIGKILL; must be below stop-timeout. If a duration suffix is not specified,
	 * milliseconds will be used
	 * @param readyWhen When the command is ready, and the service READY: started, a line on its
	 * standard output (line) or a port accepting connections (port)
	 * @param readyLine Java regular expression that a line of the command's standard output
	 * contains when it is ready; with ready-when=line
	 * @param readyPort TCP port on 127.0.0.1 that accepts connections when the command is ready;
	 * with ready-when=port
	 */
	@ReadyWhenOptions
	public record Config(@NotBlank String command, List<String> args, String workingDir,
			Map<String, String> environment, @DefaultValue("0") List<@NotNull @Min(0) @Max(255) Integer> exitCodes,
			@DefaultValue("5s") @DurationUnit(ChronoUnit.MILLIS) @NotNull @DurationRange(min = "0s", minInclusive = false) Duration killAfter,
			@DefaultValue("started") @NotNull ReadyWhen readyWhen, @ValidRegex String readyLine,
			@Min(1) @Max(65535) Integer readyPort) {

		public Config {
			args = (args != null) ? List.copyOf(args) : List.of();
			environment = (environment != null) ? Map.copyOf(environment) : Map.of();
			exitCodes = (exitCodes != null) ? exitCodes : List.of();
		}

	}

}
