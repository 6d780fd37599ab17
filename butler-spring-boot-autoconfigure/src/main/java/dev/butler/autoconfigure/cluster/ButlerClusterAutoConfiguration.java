package dev.butler.autoconfigure.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.UUID;

import io.etcd.jetcd.Client;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.integration.leader.event.DefaultLeaderEventPublisher;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.integration.support.locks.DefaultLockRegistry;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.ClassUtils;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.ButlerProperties;
import dev.butler.autoconfigure.ConditionalOnButlerRuntime;
import dev.butler.autoconfigure.supervision.ButlerSupervisionAutoConfiguration;
import dev.butler.cluster.BacklogScaler;
import dev.butler.cluster.ClusterKeys;
import dev.butler.cluster.DeadLetterWatch;
import dev.butler.cluster.EtcdLeaderInitiator;
import dev.butler.cluster.EtcdMemberRegistry;
import dev.butler.cluster.LeaderSetup;
import dev.butler.cluster.GroupWatch;
import dev.butler.control.ButlerComponents;
import dev.butler.runtime.AddressResolver;
import dev.butler.runtime.ButlerThreads;
import dev.butler.service.ServiceConfigurationException;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * cluster: with {@code butler.cluster.etcd.endpoints} (and jetcd on the class path) the instances of
 * a group elect a leader through etcd ({@link EtcdLeaderInitiator}); without, this instance is its
 * own leader (Spring Integration's {@link LockRegistryLeaderInitiator} on a lock of the JVM). Either
 * way {@link ButlerLeadership} runs the leader's set-up and leader-only services and publishes
 * Spring Integration's leader events.
 */
@AutoConfiguration(after = { ButlerAutoConfiguration.class, ButlerSupervisionAutoConfiguration.class })
@ConditionalOnButlerRuntime
@ConditionalOnClass(name = "org.springframework.integration.leader.Candidate")
@ConditionalOnBooleanProperty(name = "butler.cluster.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ButlerClusterProperties.class)
public final class ButlerClusterAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ButlerLeadership butlerLeadership(ButlerClusterProperties properties, Environment environment,
			ButlerComponents components, ButlerProperties butler, ObjectProvider<LeaderSetup> setups,
			ButlerThreads threads, ApplicationContext application) {
		boolean etcd = !properties.etcd().endpoints().isEmpty();
		if (etcd && !ClassUtils.isPresent("io.etcd.jetcd.Client", application.getClassLoader())) {
			throw new ServiceConfigurationException("butler.cluster.etcd.endpoints",
					String.join(",", properties.etcd().endpoints()),
					"needs etcd's Java client on the class path: add the dependency io.etcd:jetcd-core");
		}
		return new ButlerLeadership(group(properties, environment), instanceId(properties), components, butler, setups,
				threads.supervisor(), etcd, (ConfigurableEnvironment) environment);
	}

	@Bean
	@ConditionalOnMissingBean
	ButlerCluster butlerCluster(ButlerClusterProperties properties, ButlerLeadership leadership,
			ButlerComponents components, ObjectProvider<EtcdLeaderInitiator> etcdLeader,
			ObjectProvider<GroupWatch> groupWatch, ApplicationEventPublisher events, ButlerThreads threads,
			ObjectProvider<Clock> clock) {
		ButlerClusterProperties.Scaling scaling = properties.scaling();
		Long high = scaling.highWater();
		Long low = scaling.lowWater();
		BacklogScaler scaler = (high != null && low != null) ? new BacklogScaler(high, low) : null;
		Long maxGrowth = properties.deadLetters().maxGrowth();
		DeadLetterWatch deadLetters = (maxGrowth != null)
				? new DeadLetterWatch(maxGrowth, properties.deadLetters().within()) : null;
		boolean etcd = !properties.etcd().endpoints().isEmpty();
		return new ButlerCluster(leadership, components, scaler, deadLetters, scaling.command(), () -> {
			EtcdLeaderInitiator initiator = etcdLeader.getIfAvailable();
			return (initiator != null) ? initiator.leadership() : null;
		}, etcd ? new ClusterKeys(properties.etcd().prefix(), leadership.getRole()).scale() : null, (consume) -> {
			GroupWatch watch = groupWatch.getIfAvailable();
			if (watch != null) {
				watch.setConsume(consume);
			}
			else {
				leadership.changed(new GroupWatch.Flags(leadership.isReady(), consume));
			}
		}, events, threads, clock.getIfUnique(Clock::systemUTC));
	}

	@Bean
	@ConditionalOnMissingBean
	AddressResolver butlerAddressResolver(ButlerCluster cluster) {
		return cluster::resolve;
	}

	static String group(ButlerClusterProperties properties, Environment environment) {
		String group = properties.group();
		if (group != null) {
			return group;
		}
		return environment.getProperty("spring.application.name", "butler").replace('/', '-');
	}

	static String instanceId(ButlerClusterProperties properties) {
		String id = properties.instanceId();
		if (id != null) {
			return id;
		}
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "localhost";
		}
		return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.etcd.jetcd.Client")
	@Conditional(OnEtcdEndpoints.class)
	static class EtcdElectionConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		Client butlerEtcdClient(ButlerClusterProperties properties) {
			return Client.builder().endpoints(properties.etcd().endpoints().toArray(String[]::new)).build();
		}

		@Bean
		ClusterKeys butlerClusterKeys(ButlerClusterProperties properties, ButlerLeadership leadership) {
			return new ClusterKeys(properties.etcd().prefix(), leadership.getRole());
		}

		@Bean
		@ConditionalOnMissingBean
		EtcdLeaderInitiator butlerLeaderInitiator(Client client, ClusterKeys keys, ButlerLeadership leadership,
				ButlerClusterProperties properties, ButlerThreads threads, ObjectProvider<Clock> clock,
				ApplicationEventPublisher events) {
			String proposal = JsonMapper.builder()
				.build()
				.writeValueAsString(java.util.Map.of("instance", leadership.getId(), "pid",
						ProcessHandle.current().pid()));
			EtcdLeaderInitiator initiator = new EtcdLeaderInitiator(client, keys, leadership, proposal,
					properties.leaseTtl(), properties.retryDelay(), threads, clock.getIfUnique(Clock::systemUTC));
			initiator.setLeaderEventPublisher(new DefaultLeaderEventPublisher(events));
			return initiator;
		}

		@Bean
		GroupWatch butlerGroupWatch(Client client, ClusterKeys keys, ButlerLeadership leadership) {
			return new GroupWatch(client, keys, leadership::changed);
		}

		@Bean
		EtcdMemberRegistry butlerMemberRegistry(Client client, ClusterKeys keys, ButlerCluster cluster,
				ButlerLeadership leadership, ButlerClusterProperties properties, ButlerThreads threads,
				ObjectProvider<Clock> clock) {
			EtcdMemberRegistry registry = new EtcdMemberRegistry(client, keys, leadership.getId(), cluster::record,
					properties.leaseTtl(), properties.publishInterval(), threads, clock.getIfUnique(Clock::systemUTC));
			registry.setMembersListener(cluster::membersRead);
			return registry;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(OnNoEtcdEndpoints.class)
	static class LocalElectionConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LockRegistryLeaderInitiator butlerLeaderInitiator(ButlerLeadership leadership,
				ApplicationEventPublisher events) {
			LockRegistryLeaderInitiator initiator = new LockRegistryLeaderInitiator(new DefaultLockRegistry(),
					leadership);
			initiator.setLeaderEventPublisher(new DefaultLeaderEventPublisher(events));
			return initiator;
		}

		@Bean
		LocalMembers butlerLocalMembers(ButlerCluster cluster, ButlerClusterProperties properties,
				@Qualifier(ButlerAutoConfiguration.TASK_SCHEDULER_BEAN_NAME) ThreadPoolTaskScheduler scheduler,
				ButlerThreads threads) {
			return new LocalMembers(cluster, properties.publishInterval(), scheduler, threads.supervisor());
		}

	}

	/**
	 * Without etcd, the group is this instance alone: its record is taken every publish interval,
	 * as the registry would read it, so that the backlog and its signals work the same. The
	 * scheduler only times the rounds: describing the services' resources (a queue lists its
	 * directory) is done off its thread, which times the services' scheduled actions.
	 */
	static final class LocalMembers implements SmartLifecycle {

		private final ButlerCluster cluster;

		private final Duration interval;

		private final ThreadPoolTaskScheduler scheduler;

		private final Executor work;

		private volatile @Nullable ScheduledFuture<?> task;

		LocalMembers(ButlerCluster cluster, Duration interval, ThreadPoolTaskScheduler scheduler, Executor work) {
			this.cluster = cluster;
			this.interval = interval;
			this.scheduler = scheduler;
			this.work = work;
		}

		@Override
		public void start() {
			this.task = this.scheduler.scheduleAtFixedRate(() -> {
				try {
					this.work.execute(() -> this.cluster.membersRead(List.of(this.cluster.record())));
				}
				catch (RejectedExecutionException ex) {
					// The application is closing.
				}
			}, this.interval);
		}

		@Override
		public void stop() {
			ScheduledFuture<?> current = this.task;
			if (current != null) {
				current.cancel(false);
				this.task = null;
			}
		}

		@Override
		public boolean isRunning() {
			return this.task != null;
		}

	}

	/**
	 * Matches when {@code butler.cluster.etcd.endpoints} lists at least one endpoint.
	 */
	static class OnEtcdEndpoints extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			List<String> endpoints = Binder.get(context.getEnvironment())
				.bind("butler.cluster.etcd.endpoints", Bindable.listOf(String.class))
				.orElse(List.of());
			return endpoints.isEmpty() ? ConditionOutcome.noMatch("no butler.cluster.etcd.endpoints")
					: ConditionOutcome.match("butler.cluster.etcd.endpoints " + endpoints);
		}

	}

	/**
	 * Matches when {@code butler.cluster.etcd.endpoints} lists no endpoint.
	 */
	static class OnNoEtcdEndpoints extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionOutcome etcd = new OnEtcdEndpoints().getMatchOutcome(context, metadata);
			return etcd.isMatch() ? ConditionOutcome.noMatch("butler.cluster.etcd.endpoints are set")
					: ConditionOutcome.match("no butler.cluster.etcd.endpoints: this instance is its own leader");
		}

	}

}
