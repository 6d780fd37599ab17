package dev.butler.autoconfigure.supervision;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.butler.autoconfigure.ApplicationExit;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.ButlerProperties;
import dev.butler.autoconfigure.ConditionalOnButlerRuntime;
import dev.butler.autoconfigure.ServiceSupervision;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ManagedMicroService;
import dev.butler.runtime.ButlerThreads;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.supervision.Supervisor;
import dev.butler.supervision.Trigger;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * supervision of Butler services: every local service is supervised under the restart policy of
 * {@code butler.supervision.*} and its own {@code butler.services.<id>.*} keys, unless an external
 * ICCP controller drives it.
 */
@AutoConfiguration(after = ButlerAutoConfiguration.class)
@ConditionalOnButlerRuntime
@ConditionalOnBooleanProperty(name = "butler.supervision.enabled", matchIfMissing = true)
public final class ButlerSupervisionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Supervisor butlerSupervisor(
			@Qualifier(ButlerAutoConfiguration.TASK_SCHEDULER_BEAN_NAME) ThreadPoolTaskScheduler scheduler,
			ButlerThreads threads, ObjectProvider<Clock> clock, ButlerProperties properties,
			ConfigurableApplicationContext context, ButlerComponents components) {
		return new Supervisor(scheduler, threads.supervisor(), clock.getIfUnique(Clock::systemUTC),
				new GiveUpActions(properties, new ApplicationExit(threads, context, System::exit)),
				(id) -> components.find(id).orElse(null));
	}

	@Bean
	@ConditionalOnMissingBean
	ServiceSupervision butlerServiceSupervision(Supervisor supervisor, ButlerProperties properties) {
		return new ServiceSupervision(supervisor, properties);
	}

	@Bean
	SmartInitializingSingleton butlerSupervisedServices(Supervisor supervisor, ServiceSupervision supervision,
			ObjectProvider<ManagedMicroService> services, ButlerProperties properties,
			ObjectProvider<Trigger> triggerBeans) {
		return () -> {
			services.orderedStream().forEach(supervision::supervise);
			properties.supervision().groupsNestedFirst().forEach((name, group) -> {
				try {
					supervisor.group(name, group.strategy(), group.services(), properties.groupIntensity(name));
				}
				catch (IllegalArgumentException ex) {
					throw new ServiceConfigurationException("butler.supervision.groups." + name + ".services",
							String.join(",", group.services()), String.valueOf(ex.getMessage()), ex);
				}
			});
			services.orderedStream().forEach(supervision::trigger);
			triggerBeans.orderedStream().forEach((trigger) -> supervisor.trigger(trigger, supervision.triggerIntensity()));
		};
	}

}
