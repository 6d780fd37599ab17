package dev.butler.autoconfigure.monitor;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.ConditionalOnButlerRuntime;
import dev.butler.autoconfigure.supervision.ButlerSupervisionAutoConfiguration;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ManagedMicroService;
import dev.butler.monitor.ProcessAlarm;
import dev.butler.monitor.ProcessMonitor;
import dev.butler.monitor.ProcessSampler;
import dev.butler.runtime.ButlerThreads;
import dev.butler.runtime.ServiceRuntime;
import dev.butler.standard.command.CommandService;
import dev.butler.supervision.Supervisor;
import dev.butler.zeromq.ZmqContext;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@link ProcessMonitor}, with {@code butler.monitor.enabled=true} and OSHI on the class path: it
 * samples the JVM and the process of every command service ({@code butler.command}) with its
 * descendants. An alarm is published as a {@link dev.butler.monitor.ProcessAlarmEvent} and fires the service's
 * {@code on-alarm} triggers.
 */
@AutoConfiguration(after = { ButlerAutoConfiguration.class, ButlerSupervisionAutoConfiguration.class })
@ConditionalOnClass(name = "oshi.SystemInfo")
@ConditionalOnButlerRuntime
@ConditionalOnBooleanProperty(name = "butler.monitor.enabled")
@EnableConfigurationProperties(ButlerMonitorProperties.class)
public final class ButlerMonitorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProcessMonitor butlerProcessMonitor(ButlerMonitorProperties properties, ServiceRuntime runtime,
			ButlerComponents components, ZmqContext zmq, ButlerThreads threads, ObjectProvider<Clock> clock,
			ObjectProvider<Supervisor> supervisor) {
		ProcessMonitor.Publication publication = null;
		String address = properties.publishAddress();
		if (address != null && !address.isBlank()) {
			runtime.ipc().checkProperty("butler.monitor.publish-address", address);
			publication = new ProcessMonitor.Publication(zmq, address, properties.topic());
		}
		int connectionsEvery = properties.connectionsEvery();
		return new ProcessMonitor(() -> new ProcessSampler(connectionsEvery), properties.interval(),
				() -> commands(components), properties.alarms().thresholds(),
				(alarm) -> alarmed(supervisor.getIfAvailable(), alarm), publication, threads,
				clock.getIfUnique(Clock::systemUTC));
	}

	private static void alarmed(@Nullable Supervisor supervisor, ProcessAlarm alarm) {
		if (supervisor != null && !ProcessSampler.JVM.equals(alarm.service())) {
			supervisor.alarm(alarm.service(), alarm.kind().name().toLowerCase() + ": " + alarm.reason());
		}
	}

	/**
	 * Return the process of every command service whose command runs, by service id.
	 */
	static Map<String, Long> commands(ButlerComponents components) {
		Map<String, Long> roots = new LinkedHashMap<>();
		for (ButlerComponent component : components) {
			if (component instanceof ManagedMicroService service
					&& (Object) service.definition().service() instanceof CommandService command) {
				OptionalLong pid = command.pid();
				if (pid.isPresent()) {
					roots.put(service.id(), pid.getAsLong());
				}
			}
		}
		return roots;
	}

}
