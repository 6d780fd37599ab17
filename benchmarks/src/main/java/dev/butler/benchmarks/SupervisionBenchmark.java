package dev.butler.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ManagedMicroService;
import dev.butler.control.ServiceStartup;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.supervision.Backoff;
import dev.butler.supervision.RestartIntensity;
import dev.butler.supervision.RestartPolicy;
import dev.butler.supervision.RestartType;
import dev.butler.supervision.Supervisor;

/**
 * Supervision: how long a crashed service takes to be READY again with no backoff delay
 * ({@code crashUntilReady}), against the same restart made by hand ({@code manualRestart}: the
 * benchmark thread sees the end and calls {@code start()}), both measured in the same run.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SupervisionBenchmark {

	@Benchmark
	public PeerDescriptor crashUntilReady(Supervised supervised) {
		PeerDescriptor before = supervised.service.peer();
		supervised.crashable.crash();
		return awaitNewRun(supervised.service, before);
	}

	@Benchmark
	public PeerDescriptor manualRestart(Unsupervised unsupervised) {
		PeerDescriptor before = unsupervised.service.peer();
		unsupervised.crashable.crash();
		awaitEnded(unsupervised.service);
		unsupervised.service.start();
		return awaitNewRun(unsupervised.service, before);
	}

	private static PeerDescriptor awaitNewRun(ManagedMicroService service, PeerDescriptor before) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (!service.isRunning() || service.peer() == before) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Service '" + service.id() + "' did not come back: " + service.state());
			}
			LockSupport.parkNanos(10_000);
		}
		return service.peer();
	}

	private static void awaitEnded(ManagedMicroService service) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (!service.state().isTerminal()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Service '" + service.id() + "' did not end: " + service.state());
			}
			LockSupport.parkNanos(10_000);
		}
	}

	/**
	 * A running service that crashes when told to; what restarts it is up to the subclass.
	 */
	abstract static class RunningService {

		private ButlerFixture fixture;

		final CrashableService crashable = new CrashableService();

		ManagedMicroService service;

		@Setup(Level.Trial)
		public void start() {
			this.fixture = new ButlerFixture();
			this.service = this.fixture.newService(id(), this.crashable);
			beforeStart(this.fixture, this.service);
			this.service.start();
			ButlerFixture.awaitRunning(this.service);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.service.stop();
			this.fixture.close();
		}

		abstract String id();

		void beforeStart(ButlerFixture fixture, ManagedMicroService service) {
		}

	}

	/**
	 * A running service under a supervisor that restarts it at once, as often as it crashes.
	 */
	@State(Scope.Thread)
	public static class Supervised extends RunningService {

		@Override
		String id() {
			return "bench-supervised";
		}

		@Override
		void beforeStart(ButlerFixture fixture, ManagedMicroService service) {
			Supervisor supervisor = new Supervisor(fixture.scheduler(), fixture.threads().supervisor(),
					Clock.systemUTC(), (ended, status) -> {
					}, (id) -> null);
			supervisor.supervise(service, new RestartPolicy(RestartType.PERMANENT,
					new RestartIntensity(Integer.MAX_VALUE, Duration.ofSeconds(1)),
					new Backoff(Duration.ZERO, Duration.ZERO, 0, Duration.ofMinutes(1))));
			supervisor.start();
		}

	}

	/**
	 * A running service that nothing restarts.
	 */
	@State(Scope.Thread)
	public static class Unsupervised extends RunningService {

		@Override
		String id() {
			return "bench-unsupervised";
		}

	}

	/**
	 * A service with no channels that ends with outcome ERROR when told to crash.
	 */
	static final class CrashableService implements MicroService<Object> {

		private volatile ServiceContext context;

		@Override
		public void initialize(Object config, ServiceContext context) {
			this.context = context;
		}

		void crash() {
			ServiceContext current = this.context;
			current.loopExecutor().execute(() -> current.stop(List.of("crash")));
		}

	}

	/**
	 * Start-up of many trivial services as an application starts them, one after the other or
	 * several at once.
	 */
	@BenchmarkMode(Mode.SingleShotTime)
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	@Warmup(iterations = 2)
	@Measurement(iterations = 5)
	@Fork(1)
	public static class ManyServices {

		private static final int SERVICES = 1000;

		@Benchmark
		public int startThousandServices(Thousand thousand) {
			List<ButlerComponent> components = List.copyOf(thousand.services);
			new ServiceStartup(() -> components, thousand.fixture.threads(), thousand.concurrency).start();
			return components.size();
		}

		/**
		 * A thousand services, not started.
		 */
		@State(Scope.Thread)
		public static class Thousand {

			/** Services started at once, as {@code butler.startup.concurrency}: 1 is one after the other. */
			@Param({ "1", "8" })
			public int concurrency;

			ButlerFixture fixture;

			final List<ManagedMicroService> services = new ArrayList<>();

			@Setup(Level.Invocation)
			public void create() {
				this.fixture = new ButlerFixture();
				for (int i = 0; i < SERVICES; i++) {
					this.services.add(this.fixture.newService("bench-" + i));
				}
			}

			@TearDown(Level.Invocation)
			public void stop() {
				this.services.forEach(ManagedMicroService::stop);
				this.services.clear();
				this.fixture.close();
			}

		}

	}

}
