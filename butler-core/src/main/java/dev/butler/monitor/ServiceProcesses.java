package dev.butler.monitor;

import java.util.List;

/**
 * The processes of one service, or of the JVM: its main process first, then its descendants.
 *
 * @param service the service id, or {@value ProcessSampler#JVM} for the application's own process
 * @param pid the process id of its main process
 * @param processes its processes, empty if its main process was gone when sampled
 * @param rss the resident set size of all its processes, in bytes
 * @param cpuPercent the CPU all its processes used since the previous sample, in percent of one core
 */
public record ServiceProcesses(String service, long pid, List<ProcessSample> processes, long rss,
		double cpuPercent) {

	public ServiceProcesses {
		processes = List.copyOf(processes);
	}

	static ServiceProcesses of(String service, long pid, List<ProcessSample> processes) {
		return new ServiceProcesses(service, pid, processes, processes.stream().mapToLong(ProcessSample::rss).sum(),
				processes.stream().mapToDouble(ProcessSample::cpuPercent).sum());
	}

}
