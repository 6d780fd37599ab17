package dev.butler.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.butler.actuate.metrics.ButlerMetrics;
import dev.butler.actuate.metrics.ClusterMetrics;
import dev.butler.actuate.metrics.ProcessMetrics;
import dev.butler.actuate.metrics.SupervisionMetrics;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.ConditionalOnButlerRuntime;
import dev.butler.autoconfigure.cluster.ButlerCluster;
import dev.butler.autoconfigure.supervision.ButlerSupervisionAutoConfiguration;
import dev.butler.control.ButlerComponents;
import dev.butler.monitor.ProcessMonitor;
import dev.butler.supervision.Supervisor;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for
 * Butler metrics.
 */
@AutoConfiguration(after = { MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
		ButlerAutoConfiguration.class, ButlerSupervisionAutoConfiguration.class },
		afterName = { "dev.butler.autoconfigure.monitor.ButlerMonitorAutoConfiguration",
				"dev.butler.autoconfigure.cluster.ButlerClusterAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, MetricsAutoConfiguration.class })
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnButlerRuntime
public final class ButlerMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ButlerMetrics butlerMetrics(ButlerComponents components) {
		return new ButlerMetrics(components);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(Supervisor.class)
	SupervisionMetrics butlerSupervisionMetrics(ButlerComponents components, Supervisor supervisor) {
		return new SupervisionMetrics(components, supervisor);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.integration.leader.Candidate")
	@ConditionalOnBean(ButlerCluster.class)
	static class ClusterMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClusterMetrics butlerClusterMetrics(ButlerCluster cluster) {
			return new ClusterMetrics(cluster::view);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "oshi.SystemInfo")
	@ConditionalOnBean(ProcessMonitor.class)
	static class ProcessMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ProcessMetrics butlerProcessMetrics(ProcessMonitor monitor) {
			return new ProcessMetrics(monitor);
		}

	}

}
