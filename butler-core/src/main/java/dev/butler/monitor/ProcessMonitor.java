package dev.butler.monitor;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;

import dev.butler.runtime.ButlerThreads;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * Samples the JVM and the process trees of services at an interval on its own thread,
 * {@code butler-monitor}: keeps the latest sample, hands each to its listeners, publishes it as
 * JSON on a ZeroMQ PUB socket if it has an address, and tells its alarm listener of every threshold
 * passed, also as a {@link ProcessAlarmEvent}. Started last and stopped first among the application's lifecycle beans.
 */
public final class ProcessMonitor implements SmartLifecycle, ApplicationEventPublisherAware {

	private static final Log logger = LogFactory.getLog(ProcessMonitor.class);

	private static final long STOP_WAIT_MILLIS = 5000;

	private final Supplier<ProcessSampler> samplerFactory;

	private final Duration interval;

	private final Supplier<Map<String, Long>> roots;

	private final Alarms alarms;

	private final Consumer<ProcessAlarm> alarmListener;

	private final ButlerThreads threads;

	private final Clock clock;

	private final @Nullable Publication publication;

	private final List<Consumer<MonitorSnapshot>> listeners = new CopyOnWriteArrayList<>();

	private final JsonMapper json = JsonMapper.builder().build();

	private final Object wakeUp = new Object();

	private @Nullable ApplicationEventPublisher eventPublisher;

	private volatile MonitorSnapshot latest = MonitorSnapshot.NONE;

	private volatile boolean running;

	private @Nullable Thread thread;

	/**
	 * Create a monitor.
	 * @param samplerFactory creates the sampler, on the monitor's thread
	 * @param interval time between two samples
	 * @param roots the main process of each service to sample, by service id; asked at every sample
	 * @param thresholds when to raise alarms
	 * @param alarmListener told of each alarm, on the monitor's thread
	 * @param publication where to publish the samples, {@code null} for nowhere
	 * @param threads starts the monitor's thread
	 * @param clock when samples are taken
	 */
	public ProcessMonitor(Supplier<ProcessSampler> samplerFactory, Duration interval,
			Supplier<Map<String, Long>> roots, AlarmThresholds thresholds, Consumer<ProcessAlarm> alarmListener,
			@Nullable Publication publication, ButlerThreads threads, Clock clock) {
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("The interval must be positive, was " + interval);
		}
		this.samplerFactory = samplerFactory;
		this.interval = interval;
		this.roots = roots;
		this.alarms = new Alarms(thresholds);
		this.alarmListener = alarmListener;
		this.publication = publication;
		this.threads = threads;
		this.clock = clock;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	/**
	 * Return the latest sample.
	 * @return the sample, {@link MonitorSnapshot#NONE} before the first
	 */
	public MonitorSnapshot latest() {
		return this.latest;
	}

	/**
	 * Hand every sample from now on to a listener, on the monitor's thread.
	 * @param listener the listener; it must not block
	 */
	public void addListener(Consumer<MonitorSnapshot> listener) {
		this.listeners.add(listener);
	}

	/**
	 * Start sampling; the PUB socket is bound before this returns.
	 * @throws IllegalStateException if the PUB socket cannot be bound
	 */
	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		CompletableFuture<Void> ready = new CompletableFuture<>();
		this.thread = this.threads.start("butler-monitor", true, () -> run(ready));
		try {
			ready.get(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			this.running = false;
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new IllegalStateException("The process monitor did not start: " + cause.getMessage(), cause);
		}
		catch (TimeoutException ex) {
			logger.warn("The process monitor's thread is slow to start; going on");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		synchronized (this.wakeUp) {
			this.wakeUp.notifyAll();
		}
		Thread current = this.thread;
		if (current != null && current != Thread.currentThread()) {
			try {
				current.join(STOP_WAIT_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.thread = null;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void run(CompletableFuture<Void> ready) {
		ProcessSampler sampler;
		@Nullable ZmqSocket socket = null;
		try {
			sampler = this.samplerFactory.get();
			Publication where = this.publication;
			if (where != null) {
				socket = where.zmq().socket(ZmqSocketType.PUB);
				socket.setLinger(0);
				socket.bind(where.address());
			}
			ready.complete(null);
		}
		catch (RuntimeException | LinkageError ex) {
			if (socket != null) {
				socket.close();
			}
			ready.completeExceptionally(ex);
			return;
		}
		try {
			while (this.running) {
				long began = System.nanoTime();
				sampleOnce(sampler, socket);
				long left = this.interval.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
				synchronized (this.wakeUp) {
					if (this.running && left > 0) {
						this.wakeUp.wait(left);
					}
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			if (socket != null) {
				socket.close();
			}
		}
	}

	private void sampleOnce(ProcessSampler sampler, @Nullable ZmqSocket socket) {
		MonitorSnapshot snapshot;
		try {
			snapshot = sampler.sample(this.roots.get(), this.clock.instant());
		}
		catch (RuntimeException ex) {
			logger.warn("The process monitor failed to sample: " + ex, ex);
			return;
		}
		this.latest = snapshot;
		for (Consumer<MonitorSnapshot> listener : this.listeners) {
			try {
				listener.accept(snapshot);
			}
			catch (RuntimeException ex) {
				logger.warn("A listener of the process monitor failed: " + ex, ex);
			}
		}
		Publication where = this.publication;
		if (socket != null && where != null) {
			socket.sendMessage(List.of(where.topic().getBytes(StandardCharsets.UTF_8), this.json.writeValueAsBytes(snapshot)),
					true);
		}
		for (ProcessAlarm alarm : this.alarms.check(snapshot)) {
			logger.warn("Process alarm of '" + alarm.service() + "' (pid " + alarm.pid() + "): " + alarm.reason());
			try {
				ApplicationEventPublisher publisher = this.eventPublisher;
				if (publisher != null) {
					publisher.publishEvent(new ProcessAlarmEvent(this, alarm));
				}
				this.alarmListener.accept(alarm);
			}
			catch (RuntimeException ex) {
				logger.warn("The alarm listener of the process monitor failed: " + ex, ex);
			}
		}
	}

	/**
	 * Where the samples are published: a PUB socket bound to {@code address}, each sample a
	 * message of two frames, the topic and the sample as JSON.
	 *
	 * @param zmq the ZeroMQ context of the socket
	 * @param address the address to bind, e.g. {@code tcp://127.0.0.1:5590}
	 * @param topic the first frame of every message, e.g. {@code context_info}
	 */
	public record Publication(ZmqContext zmq, String address, String topic) {

	}

}
