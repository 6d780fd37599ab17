package dev.butler.monitor;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One process as the monitor saw it.
 *
 * @param pid its process id
 * @param parentPid its parent's process id
 * @param name its name, e.g. the program's file name
 * @param state its state as the operating system reports it, e.g. {@code RUNNING}, {@code SLEEPING}
 * @param rss its resident set size, in bytes
 * @param vms its virtual memory size, in bytes
 * @param cpuPercent the CPU it used since the previous sample, in percent of one core (above 100
 * when it keeps several cores busy); its average over its life at its first sample
 * @param threads its number of threads
 * @param openFiles its number of open file descriptors, -1 if unknown
 * @param openFilesLimit its soft limit of open files, -1 if unknown
 * @param connections its number of TCP and UDP connections, {@code null} if this sample did not
 * scan them
 * @param children the process ids of its children
 */
public record ProcessSample(long pid, long parentPid, String name, String state, long rss, long vms,
		double cpuPercent, int threads, long openFiles, long openFilesLimit, @Nullable Integer connections,
		List<Long> children) {

	public ProcessSample {
		children = List.copyOf(children);
	}

	/**
	 * Return the fraction of its open-files limit that the process uses.
	 * @return the fraction, 0 if either is unknown
	 */
	public double openFilesFraction() {
		return (this.openFiles >= 0 && this.openFilesLimit > 0) ? (double) this.openFiles / this.openFilesLimit : 0;
	}

}
