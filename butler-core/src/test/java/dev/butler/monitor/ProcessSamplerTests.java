package dev.butler.monitor;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link ProcessSampler} on real child processes.
 */
class ProcessSamplerTests {

	/** Allocates and touches 64 MB for each line it reads, and says so. */
	private static final String GROWER = """
			import sys
			kept = []
			print('ready', flush=True)
			for line in sys.stdin:
			    kept.append(b'x' * (64 << 20))
			    print('grown', flush=True)
			""";

	private final ProcessSampler sampler = new ProcessSampler(1);

	private Process child;

	@AfterEach
	void killChild() throws InterruptedException {
		if (this.child != null) {
			this.child.descendants().forEach(ProcessHandle::destroyForcibly);
			this.child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void jvmShouldBeSampledWithItsMemoryThreadsAndOpenFiles() {
		MonitorSnapshot snapshot = this.sampler.sample(Map.of(), Instant.EPOCH);
		ServiceProcesses jvm = snapshot.service(ProcessSampler.JVM);
		assertThat(jvm).isNotNull();
		assertThat(jvm.pid()).isEqualTo(ProcessHandle.current().pid());
		ProcessSample process = jvm.processes().get(0);
		assertThat(process.rss()).isPositive();
		assertThat(process.vms()).isGreaterThanOrEqualTo(process.rss());
		assertThat(process.threads()).isGreaterThan(1);
		assertThat(process.openFiles()).isPositive();
		assertThat(process.openFilesLimit()).isPositive();
		assertThat(process.connections()).isNotNull();
		assertThat(jvm.rss()).isEqualTo(process.rss());
	}

	@Test
	void rssOfAChildShouldGrowWhenItAllocates() throws Exception {
		this.child = new ProcessBuilder("python3", "-c", GROWER).start();
		BufferedReader out = new BufferedReader(new InputStreamReader(this.child.getInputStream(), StandardCharsets.UTF_8));
		assertThat(out.readLine()).isEqualTo("ready");
		long pid = this.child.pid();
		ProcessSample before = only(this.sampler.sample(Map.of("grower", pid), Instant.EPOCH), "grower");
		Writer in = new OutputStreamWriter(this.child.getOutputStream(), StandardCharsets.UTF_8);
		in.write("grow\n");
		in.flush();
		assertThat(out.readLine()).isEqualTo("grown");
		ProcessSample after = only(this.sampler.sample(Map.of("grower", pid), Instant.EPOCH), "grower");
		assertThat(after.pid()).isEqualTo(pid);
		assertThat(after.parentPid()).isEqualTo(ProcessHandle.current().pid());
		assertThat(after.rss() - before.rss()).isGreaterThan(60L << 20);
		assertThat(after.name()).startsWith("python");
	}

	@Test
	void descendantsShouldBeSampledWithTheirServiceAndAChildThatExitedShouldDisappear() throws Exception {
		this.child = new ProcessBuilder("sh", "-c", "sleep 60 & until [ \"$(cat /proc/$!/comm)\" = sleep ]; do :; done; echo started; wait").start();
		BufferedReader out = new BufferedReader(new InputStreamReader(this.child.getInputStream(), StandardCharsets.UTF_8));
		assertThat(out.readLine()).isEqualTo("started");
		long pid = this.child.pid();
		ServiceProcesses tree = this.sampler.sample(Map.of("shell", pid), Instant.EPOCH).service("shell");
		assertThat(tree).isNotNull();
		assertThat(tree.processes()).hasSize(2);
		ProcessSample shell = tree.processes().get(0);
		ProcessSample sleep = tree.processes().get(1);
		assertThat(shell.pid()).isEqualTo(pid);
		assertThat(shell.children()).containsExactly(sleep.pid());
		assertThat(sleep.name()).isEqualTo("sleep");
		assertThat(tree.rss()).isEqualTo(shell.rss() + sleep.rss());
		this.child.descendants().forEach(ProcessHandle::destroyForcibly);
		this.child.destroyForcibly();
		assertThat(this.child.waitFor(10, TimeUnit.SECONDS)).isTrue();
		MonitorSnapshot after = this.sampler.sample(Map.of("shell", pid), Instant.EPOCH);
		assertThat(after.service("shell").processes()).isEmpty();
		assertThat(after.service(ProcessSampler.JVM).processes().get(0).children()).doesNotContain(pid);
	}

	@Test
	void cpuOfABusyChildShouldBeMeasuredBetweenSamples() throws Exception {
		this.child = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
		long pid = this.child.pid();
		this.sampler.sample(Map.of("busy", pid), Instant.EPOCH);
		Thread.sleep(1000);
		ProcessSample busy = only(this.sampler.sample(Map.of("busy", pid), Instant.EPOCH), "busy");
		// A busy loop takes most of a core, even on a loaded machine.
		assertThat(busy.cpuPercent()).isGreaterThan(20).isLessThan(110);
		assertThat(busy.state()).isIn("RUNNING", "SLEEPING");
	}

	private static ProcessSample only(MonitorSnapshot snapshot, String service) {
		ServiceProcesses processes = snapshot.service(service);
		assertThat(processes).isNotNull();
		assertThat(processes.processes()).hasSize(1);
		return processes.processes().get(0);
	}

}
