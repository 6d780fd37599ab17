package dev.butler.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.butler.control.ButlerComponent.ConfigurationReply;
import dev.butler.control.ManagedMicroService;

/**
 * The ICCP control path through the framework: a {@link ManagedMicroService} driven by the
 * in-process controller over an {@code inproc} PAIR, as in a Spring application.
 * <ul>
 * <li>{@code configure}: REQUEST/CONF to a running service until its OK is back with the caller;</li>
 * <li>{@code startUntilReady}: warm-up of a stopped service, i.e. the cost of a (re)start:
 * {@code start()} has the controller bind a new control PAIR, hands the run to a loop thread (the
 * idle one of the last run) and returns when the controller received READY;</li>
 * <li>{@code stopUntilFinished}: {@code stop()} of a running service: ICCP STOP until FINISHED is
 * back and the service has terminated.</li>
 * </ul>
 * The service has no channels and no actions, so only the control path is measured.
 * Start and stop need a service in the opposite state before each call, hence
 * {@link Level#Invocation} fixtures: acceptable for operations of tens of microseconds and more.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ManagedServiceBenchmark {

	private static final Map<String, Object> OPTIONS = Map.of("k", 1);

	@Benchmark
	public ConfigurationReply configure(RunningService running) {
		return running.service.configure(OPTIONS);
	}

	@Benchmark
	public dev.butler.protocol.State startUntilReady(StoppedService stopped) {
		stopped.service.start();
		return stopped.service.state();
	}

	@Benchmark
	public dev.butler.protocol.State stopUntilFinished(StartedService started) {
		started.service.stop();
		return started.service.state();
	}

	/**
	 * A service started once and kept running.
	 */
	@State(Scope.Thread)
	public static class RunningService {

		private ButlerFixture fixture;

		ManagedMicroService service;

		@Setup(Level.Trial)
		public void start() {
			this.fixture = new ButlerFixture();
			this.service = this.fixture.newService("bench-configure");
			this.service.start();
			ButlerFixture.awaitRunning(this.service);
			ConfigurationReply reply = this.service.configure(OPTIONS);
			if (!reply.accepted()) {
				throw new IllegalStateException("Configuration refused: " + reply.message());
			}
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.service.stop();
			this.fixture.close();
		}

	}

	/**
	 * A service that is stopped before each call and started by it.
	 */
	@State(Scope.Thread)
	public static class StoppedService {

		private ButlerFixture fixture;

		ManagedMicroService service;

		@Setup(Level.Trial)
		public void create() {
			this.fixture = new ButlerFixture();
			this.service = this.fixture.newService("bench-start");
		}

		@TearDown(Level.Invocation)
		public void stopAfterCall() {
			ButlerFixture.awaitRunning(this.service);
			this.service.stop();
		}

		@TearDown(Level.Trial)
		public void close() {
			this.fixture.close();
		}

	}

	/**
	 * A service that is started before each call and stopped by it.
	 */
	@State(Scope.Thread)
	public static class StartedService {

		private ButlerFixture fixture;

		ManagedMicroService service;

		@Setup(Level.Trial)
		public void create() {
			this.fixture = new ButlerFixture();
			this.service = this.fixture.newService("bench-stop");
		}

		@Setup(Level.Invocation)
		public void startBeforeCall() {
			this.service.start();
			ButlerFixture.awaitRunning(this.service);
		}

		@TearDown(Level.Invocation)
		public void checkFinished() {
			if (this.service.state() != dev.butler.protocol.State.FINISHED) {
				throw new IllegalStateException("Service did not finish: " + this.service.state());
			}
		}

		@TearDown(Level.Trial)
		public void close() {
			this.fixture.close();
		}

	}

}
