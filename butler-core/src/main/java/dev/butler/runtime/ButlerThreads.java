package dev.butler.runtime;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The threads of the Butler runtime: service loops, the controller, queue watchers and the pool
 * that syncs the files of directory queues' group commits. Each is named for what it runs and
 * tracked until it ends. Owners tell their threads to stop; {@link #close()} then waits a bounded
 * time for those still running and reports each one left with a WARN naming it and where it is.
 * Threads are never interrupted: JeroMQ does not tolerate it.
 * <p>
 * The auto-configuration provides one as a bean; without Spring Boot create one, hand it to the
 * {@link ServiceRuntime} and the controller, and close it after them.
 */
public final class ButlerThreads implements AutoCloseable {

	/**
	 * How long {@link #close()} waits for threads by default: their owners have waited for them
	 * already (a service its {@code stop-timeout}), so this is for threads in their last moments.
	 */
	public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(1);

	/** How long a loop thread waits for the next service loop before it ends. */
	static final Duration LOOP_KEEP_ALIVE = Duration.ofSeconds(30);

	/** Threads of the queue sync pool: how many files of a group are written and synced at once. */
	static final int QUEUE_SYNC_THREADS = 8;

	private static final Log logger = LogFactory.getLog(ButlerThreads.class);

	/** Frames of a thread left running that the report shows. */
	private static final int REPORTED_FRAMES = 8;

	private final Duration stopTimeout;

	private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

	private final ThreadPoolExecutor loops;

	private final ThreadPoolExecutor queueSync;

	private final ThreadPoolExecutor supervisor;

	private final ThreadPoolExecutor contexts;

	private volatile boolean closed;

	/**
	 * Create a source of threads whose {@link #close()} waits up to {@link #DEFAULT_STOP_TIMEOUT}.
	 */
	public ButlerThreads() {
		this(DEFAULT_STOP_TIMEOUT);
	}

	/**
	 * Create a source of threads.
	 * @param stopTimeout how long {@link #close()} waits, in all, for the threads still running
	 */
	public ButlerThreads(Duration stopTimeout) {
		Objects.requireNonNull(stopTimeout, "'stopTimeout' must not be null");
		this.stopTimeout = stopTimeout;
		this.loops = new ThreadPoolExecutor(0, Integer.MAX_VALUE, LOOP_KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS,
				new SynchronousQueue<>(), threadFactory("butler-loop-"));
		this.queueSync = pool("butler-queue-sync-", QUEUE_SYNC_THREADS);
		this.supervisor = pool("butler-supervisor-", 1);
		this.contexts = pool("butler-context-", 1);
	}

	/**
	 * Start a thread. Its owner must end it; one still running when this closes is reported.
	 * @param name the thread's name, e.g. {@code butler-echo}
	 * @param daemon whether the JVM may exit while the thread runs
	 * @param task what the thread runs
	 * @return the started thread
	 * @throws IllegalStateException if this is closed
	 */
	public Thread start(String name, boolean daemon, Runnable task) {
		if (this.closed) {
			throw new IllegalStateException("Butler threads are closed: cannot start '" + name + "'");
		}
		Thread thread = tracked(new Thread(untrackWhenDone(task), name));
		thread.setDaemon(daemon);
		thread.start();
		return thread;
	}

	/**
	 * Run a service loop on a thread of the loop pool, which bears {@code name} while the loop runs
	 * and {@code butler-loop-N} while it waits for the next one: a service that restarts takes an
	 * idle thread instead of starting one. Loop threads are daemons; one left idle for
	 * {@link #LOOP_KEEP_ALIVE 30 s} ends. One still running when this closes is reported by the name
	 * of its loop.
	 * @param name the thread's name while the loop runs, e.g. {@code butler-echo}
	 * @param loop the loop
	 * @throws IllegalStateException if this is closed
	 */
	public void startLoop(String name, Runnable loop) {
		if (this.closed) {
			throw new IllegalStateException("Butler threads are closed: cannot start '" + name + "'");
		}
		try {
			this.loops.execute(() -> {
				Thread thread = Thread.currentThread();
				String idleName = thread.getName();
				thread.setName(name);
				try {
					loop.run();
				}
				finally {
					thread.setName(idleName);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			throw new IllegalStateException("Butler threads are closed: cannot start '" + name + "'", ex);
		}
	}

	/**
	 * Return the pool, shared by all directory queues of the runtime, that writes and syncs the files
	 * of a group commit: up to {@value #QUEUE_SYNC_THREADS} daemon threads
	 * {@code butler-queue-sync-N}, started when needed and ended after a few idle seconds. It refuses
	 * work once this is closed.
	 * @return the executor
	 */
	public Executor queueSync() {
		return this.queueSync;
	}

	/**
	 * Return the executor on which a supervisor restarts services, one at a time: one daemon thread
	 * {@code butler-supervisor-N}, started when needed and ended after a few idle seconds. It refuses
	 * work once this is closed.
	 * @return the executor
	 */
	public Executor supervisor() {
		return this.supervisor;
	}

	/**
	 * Return the executor on which the transactions of contexts are started, stopped and restarted,
	 * one request at a time: one daemon thread {@code butler-context-N}, started when needed and ended
	 * after a few idle seconds. It refuses work once this is closed.
	 * @return the executor
	 */
	public Executor contexts() {
		return this.contexts;
	}

	/**
	 * Return the threads started here that still run.
	 * @return the running threads
	 */
	public List<Thread> running() {
		return this.threads.stream().filter(Thread::isAlive).toList();
	}

	/**
	 * Stop taking new threads and work, wait up to the stop timeout for every thread to end (the
	 * calling thread aside), and report each one still running at WARN level with where it is.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.loops.shutdown();
		this.queueSync.shutdown();
		this.supervisor.shutdown();
		this.contexts.shutdown();
		long deadline = System.nanoTime() + this.stopTimeout.toNanos();
		try {
			for (Thread thread : List.copyOf(this.threads)) {
				long left = deadline - System.nanoTime();
				if (thread != Thread.currentThread() && left > 0) {
					thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		for (Thread thread : running()) {
			if (thread != Thread.currentThread()) {
				logger.warn("Butler thread '" + thread.getName() + "' did not end within "
						+ this.stopTimeout.toMillis() + " ms and is left running, at " + where(thread));
			}
		}
	}

	/**
	 * Describe where a thread is: the top frames of its stack.
	 * @param thread the thread
	 * @return the frames, one per line
	 */
	static String where(Thread thread) {
		StackTraceElement[] stack = thread.getStackTrace();
		String frames = Arrays.stream(stack)
			.limit(REPORTED_FRAMES)
			.map((frame) -> "\n\tat " + frame)
			.collect(Collectors.joining());
		return frames.isEmpty() ? "an unknown place" : frames + ((stack.length > REPORTED_FRAMES) ? "\n\t..." : "");
	}

	private ThreadPoolExecutor pool(String prefix, int size) {
		ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				threadFactory(prefix));
		pool.allowCoreThreadTimeOut(true);
		return pool;
	}

	private ThreadFactory threadFactory(String prefix) {
		CustomizableThreadFactory factory = new CustomizableThreadFactory(prefix);
		factory.setDaemon(true);
		return (task) -> tracked(factory.newThread(untrackWhenDone(task)));
	}

	private Thread tracked(Thread thread) {
		this.threads.add(thread);
		return thread;
	}

	private Runnable untrackWhenDone(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			finally {
				this.threads.remove(Thread.currentThread());
			}
		};
	}

}
