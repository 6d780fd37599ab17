package dev.butler.autoconfigure.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;

import dev.butler.autoconfigure.ButlerProperties;
import dev.butler.cluster.EtcdLeadership;
import dev.butler.cluster.GroupWatch;
import dev.butler.cluster.LeaderSetup;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ManagedMicroService;

/**
 * What this instance does as a candidate for the leadership of its group: when elected, it runs
 * the {@link LeaderSetup} beans, starts the services marked {@code leader-only}, and says it is
 * ready (with etcd, the ready flag of its term, which every instance's {@code GroupWatch} sees);
 * when no longer leader, it stops its leader-only services. Once the leader is ready, the services
 * marked {@code wait-for-leader-ready} start, on every instance, and they stop and start again with
 * the group's consume switch.
 */
public final class ButlerLeadership implements Candidate {

	private static final Log logger = LogFactory.getLog(ButlerLeadership.class);

	/** The property source of the services' {@code as-leader} options while this instance leads. */
	static final String LEADER_OPTIONS = "butlerLeaderOptions";

	private final String group;

	private final String instanceId;

	private final ButlerComponents components;

	private final ButlerProperties properties;

	private final ObjectProvider<LeaderSetup> setups;

	private final Executor starts;

	private final ConfigurableEnvironment environment;

	private final boolean readyByFlag;

	private volatile boolean leader;

	private volatile boolean ready;

	private volatile boolean consume = true;

	/**
	 * Create the candidate of this instance.
	 * @param group its group
	 * @param instanceId its id in the group
	 * @param components the services of the application
	 * @param properties which of them are leader-only or wait for the leader
	 * @param setups the leader's set-up duties
	 * @param starts where the services that waited for the leader are started
	 * @param readyByFlag whether the leader's readiness comes from etcd's ready flag rather than
	 * from this instance's own set-up
	 * @param environment takes the services' {@code as-leader} options while this instance leads
	 */
	public ButlerLeadership(String group, String instanceId, ButlerComponents components, ButlerProperties properties,
			ObjectProvider<LeaderSetup> setups, Executor starts, boolean readyByFlag,
			ConfigurableEnvironment environment) {
		this.group = group;
		this.instanceId = instanceId;
		this.components = components;
		this.properties = properties;
		this.setups = setups;
		this.starts = starts;
		this.readyByFlag = readyByFlag;
		this.environment = environment;
	}

	@Override
	public String getRole() {
		return this.group;
	}

	@Override
	public String getId() {
		return this.instanceId;
	}

	/**
	 * Return whether this instance leads its group.
	 * @return whether it leads
	 */
	public boolean isLeader() {
		return this.leader;
	}

	/**
	 * Return whether the leader of the group has said it is ready, as last seen.
	 * @return whether it is ready
	 */
	public boolean isReady() {
		return this.ready;
	}

	@Override
	public void onGranted(Context context) {
		this.leader = true;
		applyLeaderOptions(true);
		EtcdLeadership term = (context instanceof EtcdLeadership etcd) ? etcd : null;
		if (term != null) {
			term.clearReady();
		}
		for (LeaderSetup setup : this.setups.orderedStream().toList()) {
			try {
				setup.setUp(context);
			}
			catch (Exception ex) {
				logger.error("Group '" + this.group + "': the leader's set-up failed; yielding the leadership", ex);
				context.yield();
				return;
			}
		}
		for (ManagedMicroService service : services(true)) {
			try {
				service.start();
			}
			catch (RuntimeException ex) {
				logger.error("Group '" + this.group + "': leader-only service '" + service.id() + "' did not start", ex);
			}
		}
		if (term != null) {
			if (!term.markReady()) {
				logger.warn("Group '" + this.group + "': leadership ended before the ready flag was written");
			}
		}
		else {
			changed(new GroupWatch.Flags(true, this.consume));
		}
	}

	@Override
	public void onRevoked(Context context) {
		this.leader = false;
		List<ManagedMicroService> leaderOnly = new ArrayList<>(services(true));
		Collections.reverse(leaderOnly);
		leaderOnly.forEach(ManagedMicroService::stop);
		applyLeaderOptions(false);
		if (!this.readyByFlag) {
			this.ready = false;
		}
	}

	/**
	 * Take note of the group's flags: once the leader is ready and the group consumes, start the
	 * services that wait for the leader; once the group's consume switch is off, stop them. A leader
	 * that changes leaves them running.
	 * @param flags the group's flags
	 */
	public void changed(GroupWatch.Flags flags) {
		this.ready = flags.ready();
		this.consume = flags.consume();
		if (!flags.consume()) {
			this.starts.execute(() -> {
				List<ManagedMicroService> waiting = new ArrayList<>(services(false));
				Collections.reverse(waiting);
				waiting.forEach(ManagedMicroService::stop);
				logger.info("Group '" + this.group + "': consumption paused");
			});
			return;
		}
		if (!flags.ready()) {
			return;
		}
		this.starts.execute(() -> {
			for (ManagedMicroService service : services(false)) {
				if (!service.isRunning()) {
					try {
						service.start();
					}
					catch (RuntimeException ex) {
						logger.error("Group '" + this.group + "': service '" + service.id()
								+ "' did not start after the leader was ready", ex);
					}
				}
			}
		});
	}

	/**
	 * Return whether the group consumes, as last seen: its consume switch is not off.
	 * @return whether it consumes
	 */
	public boolean isConsuming() {
		return this.consume;
	}

	/**
	 * Put the {@code as-leader} options of the services in force, or take them back, and restart
	 * the services that have some and run, so that they bind their options again.
	 */
	private void applyLeaderOptions(boolean leading) {
		Map<String, Object> options = new LinkedHashMap<>();
		List<ManagedMicroService> affected = new ArrayList<>();
		this.components.forEach((component) -> {
			if (component instanceof ManagedMicroService service) {
				Map<String, String> asLeader = this.properties.service(service.id()).asLeader();
				if (!asLeader.isEmpty()) {
					asLeader.forEach((key, value) -> options.put("butler.services." + service.id() + "." + key, value));
					affected.add(service);
				}
			}
		});
		if (affected.isEmpty()) {
			return;
		}
		MutablePropertySources sources = this.environment.getPropertySources();
		if (leading) {
			sources.addFirst(new MapPropertySource(LEADER_OPTIONS, options));
		}
		else {
			sources.remove(LEADER_OPTIONS);
		}
		for (ManagedMicroService service : affected) {
			if (service.isRunning()) {
				service.stop();
				try {
					service.start();
				}
				catch (RuntimeException ex) {
					logger.error("Group '" + this.group + "': service '" + service.id() + "' did not start again with "
							+ (leading ? "its as-leader options" : "its own options"), ex);
				}
			}
		}
	}

	/**
	 * Return the leader-only services, or those that wait for the leader to be ready.
	 */
	private List<ManagedMicroService> services(boolean leaderOnly) {
		List<ManagedMicroService> services = new ArrayList<>();
		this.components.forEach((component) -> {
			if (component instanceof ManagedMicroService service) {
				ButlerProperties.Service options = this.properties.service(service.id());
				if (leaderOnly ? options.leaderOnly() : options.waitForLeaderReady()) {
					services.add(service);
				}
			}
		});
		return services;
	}

}
