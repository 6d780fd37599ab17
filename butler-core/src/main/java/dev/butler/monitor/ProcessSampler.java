package dev.butler.monitor;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import oshi.SystemInfo;
import oshi.software.os.InternetProtocolStats;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Takes samples of the JVM and of the process trees of services with OSHI: one sample reads the
 * JVM's descendants once and each process's state, memory, CPU, threads and open files; every
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
		Map<Integer, OSProcess> current = new HashMap<>();
		Map<Integer, List<Integer>> children = new HashMap<>();
		OSProcess jvm = this.os.getProcess(this.jvmPid);
		if (jvm != null) {
			current.put(this.jvmPid, jvm);
		}
		addAll(this.os.getDescendantProcesses(this.jvmPid, null, null, 0), current, children);
		for (long root : roots.values()) {
			int pid = (int) root;
			if (!current.containsKey(pid)) {
				// Not a descendant of the JVM, e.g. a foreign process handed in.
				OSProcess process = this.os.getProcess(pid);
				if (process != null) {
					addAll(List.of(process), current, children);
					addAll(this.os.getDescendantProcesses(pid, null, null, 0), current, children);
				}
			}
		}
		Map<Integer, Integer> connections = countConnections();
		Map<String, ServiceProcesses> services = new LinkedHashMap<>();
		List<ProcessSample> jvmSample = (jvm != null) ? List.of(describe(jvm, children, connections)) : List.of();
		services.put(JVM, ServiceProcesses.of(JVM, this.jvmPid, jvmSample));
		roots.forEach((service, root) -> services.put(service,
				ServiceProcesses.of(service, root, tree((int) (long) root, current, children, connections))));
		this.previous = current;
		return new MonitorSnapshot(now, services);
	}

	private static void addAll(List<OSProcess> processes, Map<Integer, OSProcess> current,
			Map<Integer, List<Integer>> children) {
		for (OSProcess process : processes) {
			if (current.put(process.getProcessID(), process) == null) {
				children.computeIfAbsent(process.getParentProcessID(), (parent) -> new ArrayList<>())
					.add(process.getProcessID());
			}
		}
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
