package dev.butler.actuate.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import dev.butler.monitor.MonitorSnapshot;
import dev.butler.monitor.ProcessMonitor;
import dev.butler.monitor.ProcessSample;
import dev.butler.monitor.ServiceProcesses;

/**
 * {@link MeterBinder} for the process monitor: gauges {@code butler.process.rss}, {@code .vms}
 * (bytes), {@code .cpu} (percent of one core), {@code .threads}, {@code .open.files} and, when
 * counted, {@code .connections} of every monitored process, tagged with its {@code service} (the
 * service id, or {@code jvm}) and {@code pid}. A process that is gone leaves them at the next
 * sample.
 */
public class ProcessMetrics implements MeterBinder {

	private final ProcessMonitor monitor;

	private final List<Gauges> gauges = new ArrayList<>();

	private @Nullable MultiGauge connections;

	/**
	 * Create a binder.
	 * @param monitor the monitor whose samples are shown
	 */
	public ProcessMetrics(ProcessMonitor monitor) {
		this.monitor = monitor;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		add(registry, "butler.process.rss", "bytes", "Resident set size of the process", ProcessSample::rss);
		add(registry, "butler.process.vms", "bytes", "Virtual memory size of the process", ProcessSample::vms);
		add(registry, "butler.process.cpu", "percent", "CPU the process used since the previous sample, in percent "
				+ "of one core", ProcessSample::cpuPercent);
		add(registry, "butler.process.threads", null, "Threads of the process", ProcessSample::threads);
		add(registry, "butler.process.open.files", null, "Open file descriptors of the process",
				ProcessSample::openFiles);
		this.connections = MultiGauge.builder("butler.process.connections")
			.description("TCP and UDP connections of the process, as last counted")
			.register(registry);
		this.monitor.addListener(this::update);
		update(this.monitor.latest());
	}

	private void add(MeterRegistry registry, String name, @Nullable String baseUnit, String description,
			ToDoubleFunction<ProcessSample> value) {
		this.gauges.add(new Gauges(
				MultiGauge.builder(name).baseUnit(baseUnit).description(description).register(registry), value));
	}

	private synchronized void update(MonitorSnapshot snapshot) {
		for (Gauges gauge : this.gauges) {
			List<MultiGauge.Row<?>> rows = new ArrayList<>();
			forEach(snapshot, (tags, process) -> rows.add(MultiGauge.Row.of(tags, gauge.value.applyAsDouble(process))));
			gauge.gauge.register(rows, true);
		}
		MultiGauge counted = this.connections;
		List<MultiGauge.Row<?>> rows = new ArrayList<>();
		forEach(snapshot, (tags, process) -> {
			Integer count = process.connections();
			if (count != null) {
				rows.add(MultiGauge.Row.of(tags, count));
			}
		});
		if (counted != null && !rows.isEmpty()) {
			counted.register(rows, true);
		}
	}

	private static void forEach(MonitorSnapshot snapshot, BiConsumer<Tags, ProcessSample> action) {
		for (ServiceProcesses service : snapshot.services().values()) {
			for (ProcessSample process : service.processes()) {
				action.accept(Tags.of("service", service.service(), "pid", Long.toString(process.pid())), process);
			}
		}
	}

	private record Gauges(MultiGauge gauge, ToDoubleFunction<ProcessSample> value) {

	}

}
