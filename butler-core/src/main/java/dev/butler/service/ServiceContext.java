package dev.butler.service;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.butler.protocol.AgentDescriptor;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqSocketType;

/**
 * What the runtime offers a running {@link MicroService}: its identity, its channels and endpoints,
 * and scheduling on its own loop thread. Use it only from the service's thread.
 */
public interface ServiceContext {

	/**
	 * Return the service id.
	 * @return the service id
	 */
	String serviceId();

	/**
	 * Return the agent identity of the service.
	 * @return the agent descriptor
	 */
	AgentDescriptor agent();

	/**
	 * Return the identity of this running instance; a new one is made at each start.
	 * @return the peer descriptor
	 */
	PeerDescriptor peer();

	/**
	 * Return the full name of a configuration property of this service, for error messages.
	 * @param option the option name, e.g. {@code port}
	 * @return the property name, e.g. {@code butler.services.echo.port}
	 */
	String propertyName(String option);

	/**
	 * Return options of one of the service's {@link MicroService#optionTypes() option types}, e.g.
	 * {@link dev.butler.pipe.PipeOptions}, as bound and validated from this service's configuration
	 * prefix for this run.
	 * @param <T> the options type
	 * @param type the options type, usually a record
	 * @return the bound options
	 * @throws IllegalArgumentException if the service does not declare the type
	 */
	<T> T options(Class<T> type);

	/**
	 * Register a resource the runtime opens and closes with the service, see
	 * {@link ServiceResource}. Call from {@link MicroService#initialize}.
	 * @param resource the resource
	 */
	void addResource(ServiceResource resource);

	/**
	 * Create a channel whose input the run loop delivers to {@code handler}. A name that starts
	 * with {@code #} marks internal plumbing, which {@code /actuator/butler} shows only when asked.
	 * @param name channel name, unique within the service
	 * @param type socket type
	 * @param handler handler for received messages, or {@code null} for an output-only channel
	 * @return the channel
	 */
	Channel createChannel(String name, ZmqSocketType type, @Nullable MessageHandler handler);

	/**
	 * Create a channel as {@link #createChannel} does, on a ZeroMQ I/O thread of its own that ends
	 * with the channel; for a tcp ROUTER that uses ZeroMQ heartbeats. On the JeroMQ engine, 0.6.0 can leave behind
	 * the heartbeat timer of a connection whose handshake ends while its ROUTER closes; when it fires,
	 * it kills the I/O thread it runs on, and every socket on that thread goes deaf. The channel's own
	 * thread ends with the channel, before such a timer fires. Not for {@code inproc://}, which works
	 * only within the shared context.
	 * @param name channel name, unique within the service
	 * @param type socket type
	 * @param handler handler for received messages, or {@code null} for an output-only channel
	 * @return the channel
	 */
	Channel createIsolatedChannel(String name, ZmqSocketType type, @Nullable MessageHandler handler);

	/**
	 * Register an address the channel binds during warm-up. Bound addresses are reported to the
	 * controller in ICCP READY.
	 * @param channel the channel name
	 * @param address the ZeroMQ address, e.g. {@code tcp://127.0.0.1:*}
	 */
	void addEndpoint(String channel, String address);

	/**
	 * Return the addresses bound so far, by channel name.
	 * @return the bound endpoints
	 */
	Map<String, List<String>> endpoints();

	/**
	 * Return the channel with the given name.
	 * @param name the channel name
	 * @return the channel
	 * @throws IllegalArgumentException if there is no such channel
	 */
	Channel channel(String name);

	/**
	 * Run an action once on the service's loop thread after a delay.
	 * @param name action name
	 * @param action the action
	 * @param delay the delay
	 * @return the scheduled action
	 */
	ScheduledAction schedule(String name, Runnable action, Duration delay);

	/**
	 * Run an action on the service's loop thread at a fixed rate, the first time after one period.
	 * @param name action name
	 * @param action the action
	 * @param period the period
	 * @return the scheduled action
	 */
	ScheduledAction scheduleAtFixedRate(String name, Runnable action, Duration period);

	/**
	 * Run an action on the service's loop thread repeatedly, with a fixed delay between the end of
	 * one run and the start of the next.
	 * @param name action name
	 * @param action the action
	 * @param delay the delay
	 * @return the scheduled action
	 */
	ScheduledAction scheduleWithFixedDelay(String name, Runnable action, Duration delay);

	/**
	 * Return an executor that runs tasks on the service's loop thread, in the order given, between
	 * message deliveries. Unlike the rest of the context it may be used from any thread, e.g. to hand
	 * the loop work found by a file watcher. Tasks still queued when the service stops do not run.
	 * @return the loop's executor
	 */
	Executor loopExecutor();

	/**
	 * Start a thread of the service for blocking work its loop must not do, e.g. waiting for
	 * file-system events; hand results to the loop with {@link #loopExecutor()}. The thread is
	 * named {@code butler-<purpose>-<service id>} and comes from the runtime, which reports it if it
	 * still runs when the runtime closes: the service must end it when it stops.
	 * @param purpose what the thread does, e.g. {@code queue-watch}
	 * @param task what it runs
	 * @return the started thread
	 */
	Thread startThread(String purpose, Runnable task);

	/**
	 * Run the service's work once, as a one-shot task service does: {@code work} runs on a thread
	 * of the service ({@link #startThread}), and when it returns the service finishes on its own
	 * with outcome OK, or, when it throws, with outcome ERROR and the failure as details, so that
	 * its supervisor and triggers see how it ended. Call it from
	 * {@link MicroService#startActivities()}; long work should look at {@link #stopRequested()} and
	 * return early when it is set.
	 * @param purpose what the work does, for the thread's name and the details
	 * @param work the work
	 * @return the started thread
	 */
	default Thread runTask(String purpose, Task work) {
		return startThread(purpose, () -> {
			try {
				work.run();
				loopExecutor().execute(this::stop);
			}
			catch (Exception ex) {
				String reason = purpose + " failed: " + ((ex.getMessage() != null) ? ex.getMessage() : ex.toString());
				loopExecutor().execute(() -> stop(List.of(reason)));
			}
		});
	}

	/**
	 * The work of a one-shot task; see {@link #runTask(String, Task)}.
	 */
	@FunctionalInterface
	interface Task {

		/**
		 * Do the work.
		 * @throws Exception if it failed: the service then finishes with outcome ERROR
		 */
		void run() throws Exception;

	}

	/**
	 * Return the bounded pool, shared by all services of the runtime, that writes and syncs the
	 * files of a directory queue's group commit; see
	 * {@code DirectoryQueue.open(Path, Set, Executor)}.
	 * @return the executor
	 */
	Executor queueSyncExecutor();

	/**
	 * Return the clock of the runtime, e.g. to tell how long something lasted.
	 * @return the clock
	 */
	Clock clock();

	/**
	 * Return the directory under which relative queue and spool names resolve
	 * ({@code butler.spool-dir}).
	 * @return the absolute spool directory
	 */
	Path spoolDirectory();

	/**
	 * End the service on its own, with outcome OK, as if the controller had sent STOP.
	 */
	void stop();

	/**
	 * Return whether the service was asked to stop: by the controller's STOP, by {@link #stop()}, or
	 * because its warm-up was given up, e.g. past its warm-up timeout. A warm-up that waits for
	 * something outside the service, e.g. a process to be ready, should look at this between waits
	 * and give up when it is set.
	 * @return whether a stop was requested
	 */
	boolean stopRequested();

	/**
	 * End the service on its own with outcome ERROR and the given details.
	 * @param details the reason, one line per entry
	 */
	void stop(List<String> details);

	/**
	 * Add a line to the details the service reports with its outcome in FINISHED, e.g. that it
	 * stopped before the end of its input. Does not change the outcome.
	 * @param detail the line
	 */
	void addOutcomeDetail(String detail);

	/**
	 * Register work to do once when this run ends, whatever its outcome, like Go srv's cleanup
	 * functions: cleanups run on the service's thread after {@link MicroService#releaseResources()},
	 * the last registered first. One that throws does not keep the others from running: its failure
	 * is logged, counted among the service's errors and added to the outcome details. They run within
	 * the service's {@code stop-timeout}, which reports a cleanup that blocks.
	 * @param name what the cleanup does, for the log and the details
	 * @param cleanup the work
	 */
	void addCleanup(String name, Runnable cleanup);

	/**
	 * Create a bounded pool of worker threads for this run, {@code butler-pool-<service id>-<name>-N},
	 * whose task failures the pool keeps and reports when it stops: among the service's recent errors
	 * (phase {@code pool}) and in its outcome details. See {@link WorkerPool}. Call from
	 * {@link MicroService#initialize} or {@link MicroService#acquireResources()}: the workers start
	 * when the service's resources open, and the pool drains when the service stops, before
	 * {@link MicroService#releaseResources()}.
	 * @param name the pool's name, unique within the service
	 * @param options the pool's options
	 * @return the pool
	 * @throws IllegalArgumentException if the options are invalid, naming the option at fault, or
	 * the service has a pool of that name
	 * @throws IllegalStateException if the service's resources are open already
	 */
	WorkerPool workerPool(String name, WorkerPoolOptions options);

	/**
	 * Create a bounded pool of worker threads as {@link #workerPool(String, WorkerPoolOptions)} does,
	 * whose task failures go to {@code errorObserver}, on the worker thread, and are not kept.
	 * @param name the pool's name, unique within the service
	 * @param options the pool's options
	 * @param errorObserver receives each failure of a task
	 * @return the pool
	 * @throws IllegalArgumentException if the options are invalid, naming the option at fault, or
	 * the service has a pool of that name
	 * @throws IllegalStateException if the service's resources are open already
	 */
	WorkerPool workerPool(String name, WorkerPoolOptions options, Consumer<Throwable> errorObserver);

	/**
	 * Return the ZeroMQ address that an address option stands for: {@code butler://<service>/<endpoint>}
	 * names the endpoint that a service binds somewhere in the cluster, as its members publish it;
	 * any other address is returned as it is.
	 * @param address the address option's value
	 * @return the address to connect to
	 * @throws IllegalArgumentException if a {@code butler://} address names no bound endpoint
	 */
	String resolveAddress(String address);

	/**
	 * Return the ZeroMQ context the service's sockets belong to.
	 * @return the ZeroMQ context
	 */
	ZmqContext zmqContext();

}
