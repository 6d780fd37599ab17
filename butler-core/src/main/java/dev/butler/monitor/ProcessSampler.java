package dev.butler.monitor;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import oshi.SystemInfo;
import oshi.software.os.InternetProtocolStats;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Takes samples of the JVM and of the process trees of services: one sample finds the JVM's
 * descendants once (the JDK's {@link ProcessHandle}s) and reads each process's state, memory, CPU,
 * threads and open files with OSHI; every
 * {@code connectionsEvery}-th sample also counts each process's connections, which scans every
 * connection of the system. Memory maps are not sampled: OSHI does not give them.
 * Not thread-safe: one thread samples.
 */
public final class ProcessSampler {

	/** The key of the application's own process among the services of a sample. */
	public static final String JVM = "jvm";

	private final OperatingSystem os;

	private final int connectionsEvery;

	private final int jvmPid;

	/** The processes of the previous sample, by pid, for the CPU used between two samples. */
	private Map<Integer, OSProcess> previous = Map.of();

	private long samples;

	/**
	 * Create a sampler.
	 * @param connectionsEvery count connections every this many samples, the first included; 0
	 * never
	 */
	public ProcessSampler(int connectionsEvery) {
		if (connectionsEvery < 0) {
			throw new IllegalArgumentException("connectionsEvery must be 0 or more, was " + connectionsEvery);
		}
		this.os = new SystemInfo().getOperatingSystem();
		this.connectionsEvery = connectionsEvery;
		this.jvmPid = this.os.getProcessId();
	}

	/**
	 * Take a sample.
	 * @param roots the main process of each service to sample, by service id
	 * @param now when the sample is taken
	 * @return the sample; a service whose main process is gone has no processes
	 */
	public MonitorSnapshot sample(Map<String, Long> roots, Instant now) {
		// The tree from the JDK's process handles: OSHI's getDescendantProcesses builds every
		// process of the system and costs ten times as much.
		Map<Integer, List<Integer>> children = new HashMap<>();
		Set<Integer> pids = new LinkedHashSet<>();
		pids.add(this.jvmPid);
		addTree(ProcessHandle.current(), pids, children);
		for (long root : roots.values()) {
			if (!pids.contains((int) root)) {
				// Not a descendant of the JVM, e.g. a foreign process handed in.
				ProcessHandle.of(root).ifPresent((handle) -> {
					pids.add((int) root);
					addTree(handle, pids, children);
				});
			}
		}
		Map<Integer, OSProcess> current = new HashMap<>();
		for (int pid : pids) {
			OSProcess process = this.os.getProcess(pid);
			if (process != null) {
				current.put(pid, process);
			}
		}
		Map<Integer, Integer> connections = countConnections();
		Map<String, ServiceProcesses> services = new LinkedHashMap<>();
		OSProcess jvm = current.get(this.jvmPid);
		List<ProcessSample> jvmSample = (jvm != null) ? List.of(describe(jvm, children, connections)) : List.of();
		services.put(JVM, ServiceProcesses.of(JVM, this.jvmPid, jvmSample));
		roots.forEach((service, root) -> services.put(service,
				ServiceProcesses.of(service, root, tree((int) (long) root, current, children, connections))));
		this.previous = current;
		return new MonitorSnapshot(now, services);
	}

	private static void addTree(ProcessHandle root, Set<Integer> pids, Map<Integer, List<Integer>> children) {
		root.descendants().forEach((handle) -> handle.parent().ifPresent((parent) -> {
			int pid = (int) handle.pid();
			if (pids.add(pid)) {
				children.computeIfAbsent((int) parent.pid(), (key) -> new ArrayList<>()).add(pid);
			}
		}));
	}

	private List<ProcessSample> tree(int root, Map<Integer, OSProcess> current, Map<Integer, List<Integer>> children,
			@Nullable Map<Integer, Integer> connections) {
		List<ProcessSample> samples = new ArrayList<>();
		Deque<Integer> next = new ArrayDeque<>();
		next.add(root);
		while (!next.isEmpty()) {
			OSProcess process = current.get(next.poll());
			if (process != null) {
				samples.add(describe(process, children, connections));
				next.addAll(children.getOrDefault(process.getProcessID(), List.of()));
			}
		}
		return samples;
	}

	private ProcessSample describe(OSProcess process, Map<Integer, List<Integer>> children,
			@Nullable Map<Integer, Integer> connections) {
		OSProcess before = this.previous.get(process.getProcessID());
		double cpu = (before != null && before.getStartTime() == process.getStartTime())
				? process.getProcessCpuLoadBetweenTicks(before) : process.getProcessCpuLoadCumulative();
		return new ProcessSample(process.getProcessID(), process.getParentProcessID(), process.getName(),
				process.getState().name(), process.getResidentMemory(), process.getVirtualSize(), cpu * 100,
				process.getThreadCount(), process.getOpenFiles(), process.getSoftOpenFileLimit(),
				(connections != null) ? connections.getOrDefault(process.getProcessID(), 0) : null,
				children.getOrDefault(process.getProcessID(), List.of()).stream().map(Integer::longValue).toList());
	}

	private @Nullable Map<Integer, Integer> countConnections() {
		long sample = this.samples++;
		if (this.connectionsEvery == 0 || sample % this.connectionsEvery != 0) {
			return null;
		}
		Map<Integer, Integer> counts = new HashMap<>();
		for (InternetProtocolStats.IPConnection connection : this.os.getInternetProtocolStats().getConnections()) {
			counts.merge(connection.getowningProcessId(), 1, Integer::sum);
		}
		return counts;
	}

}
