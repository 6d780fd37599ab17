package dev.butler.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

import dev.butler.monitor.MonitorSnapshot;
import dev.butler.monitor.ProcessSampler;

/**
 * Cost of one sample of the process monitor: the JVM and 10 child processes ({@code sleep}), each a
 * service of its own, with {@code connectionsEvery} 0 (never count connections) or 1 (every
 * sample). JMH reports the wall time of a sample; at the end of each iteration the benchmark prints
 * the CPU time of the sampling thread per sample and what that is, at one sample a second, in
 * percent of one core.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ProcessMonitorBenchmark {

	private static final int CHILDREN = 10;

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	@Param({ "0", "1" })
	public int connectionsEvery;

	private final List<Process> children = new ArrayList<>();

	private final Map<String, Long> roots = new LinkedHashMap<>();

	private ProcessSampler sampler;

	private long cpuAtStart;

	private long samples;

	@Setup(Level.Trial)
	public void startChildren() throws IOException {
		for (int i = 0; i < CHILDREN; i++) {
			Process child = new ProcessBuilder("sleep", "600").start();
			this.children.add(child);
			this.roots.put("cmd-" + i, child.pid());
		}
		this.sampler = new ProcessSampler(this.connectionsEvery);
		MonitorSnapshot first = this.sampler.sample(this.roots, Instant.now());
		if (first.services().size() != CHILDREN + 1
				|| first.services().values().stream().anyMatch((service) -> service.processes().size() != 1)) {
			throw new IllegalStateException("Expected the JVM and " + CHILDREN + " children: " + first);
		}
	}

	@Setup(Level.Iteration)
	public void startCounting() {
		this.cpuAtStart = THREADS.getCurrentThreadCpuTime();
		this.samples = 0;
	}

	@Benchmark
	public MonitorSnapshot sample() {
		this.samples++;
		return this.sampler.sample(this.roots, Instant.EPOCH);
	}

	@TearDown(Level.Iteration)
	public void reportCpu() {
		double cpuMicros = (THREADS.getCurrentThreadCpuTime() - this.cpuAtStart) / 1000.0 / this.samples;
		System.out.printf("%n  CPU per sample: %.0f µs = %.3f %% of one core at 1 Hz (%d samples)%n", cpuMicros,
				cpuMicros / 10_000, this.samples);
	}

	@TearDown(Level.Trial)
	public void stopChildren() throws InterruptedException {
		for (Process child : this.children) {
			child.destroyForcibly().waitFor();
		}
	}

}
