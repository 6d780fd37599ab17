package dev.butler.autoconfigure.supervision;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.control.ManagedMicroService;
import dev.butler.control.RunEnding;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;
import dev.butler.supervision.SupervisionStatus.Phase;
import dev.butler.supervision.Supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for groups of supervised services: which services are restarted together, in which order,
 * and giving up on a whole group.
 */
class SupervisionGroupsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final List<String> events = new CopyOnWriteArrayList<>();

	private static final AtomicInteger failuresOfMiddle = new AtomicInteger();

	private final ApplicationContextRunner withoutGroups = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class,
				ButlerSupervisionAutoConfiguration.class))
		.withUserConfiguration(ThreeServices.class)
		.withPropertyValues("butler.supervision.backoff.min=10ms", "butler.supervision.backoff.max=10ms");

	private final ApplicationContextRunner contextRunner = this.withoutGroups
		.withPropertyValues("butler.supervision.groups.chain.services=first,middle,last");

	@BeforeEach
	void clear() {
		events.clear();
		failuresOfMiddle.set(0);
	}

	@Test
	void restForOneShouldRestartTheServiceAndThoseAfterItLastStoppedFirst() {
		this.contextRunner.withPropertyValues("butler.supervision.groups.chain.strategy=rest-for-one").run((context) -> {
			Supervisor supervisor = context.getBean(Supervisor.class);
			assertThat(events).containsExactly("start first", "start middle", "start last");
			events.clear();
			failuresOfMiddle.set(1);
			fail(context.getBean(ThreeServices.class).middle);
			await().atMost(WAIT).until(() -> events.contains("start last") && allRunning(supervisor));
			assertThat(events).containsExactly("stop middle", "stop last", "start middle", "start last");
			assertThat(supervisor.status("middle").restarts()).containsEntry(RunEnding.ERROR, 1L);
			assertThat(supervisor.status("first").totalRestarts()).isZero();
		});
	}

	@Test
	void servicesOfAGroupShouldFirstStartInTheOrderListedWhileOthersStartAtOnce() {
		this.withoutGroups.withPropertyValues("butler.supervision.groups.chain.services=last,first,middle")
			.run((context) -> assertThat(events).containsExactly("start last", "start first", "start middle"));
	}

	@Test
	void oneForAllShouldRestartEveryServiceOfTheGroupInOrder() {
		this.contextRunner.withPropertyValues("butler.supervision.groups.chain.strategy=one-for-all").run((context) -> {
			Supervisor supervisor = context.getBean(Supervisor.class);
			events.clear();
			failuresOfMiddle.set(1);
			fail(context.getBean(ThreeServices.class).middle);
			await().atMost(WAIT).until(() -> events.contains("start last") && allRunning(supervisor));
			assertThat(events).containsExactly("stop middle", "stop last", "stop first", "start first", "start middle",
					"start last");
		});
	}

	@Test
	void groupRestartedTooOftenShouldBeGivenUpAsAWhole() {
		this.contextRunner
			.withPropertyValues("butler.supervision.groups.chain.strategy=one-for-all",
					"butler.supervision.groups.chain.max-restarts=1")
			.run((context) -> {
				Supervisor supervisor = context.getBean(Supervisor.class);
				failuresOfMiddle.set(Integer.MAX_VALUE);
				fail(context.getBean(ThreeServices.class).middle);
				await().atMost(WAIT)
					.until(() -> List.of("first", "middle", "last")
						.stream()
						.allMatch((id) -> supervisor.status(id).phase() == Phase.GAVE_UP));
				assertThat(supervisor.status("first").gaveUpBecause())
					.isEqualTo("group 'chain': more than 1 restart within 1m");
				await().atMost(WAIT)
					.until(() -> context.getBeansOfType(ManagedMicroService.class)
						.values()
						.stream()
						.noneMatch(ManagedMicroService::isRunning));
			});
	}

	@Test
	void groupNamingAnUnknownServiceShouldFailStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("butler.supervision.groups.chain.services=first,nobody")
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(IllegalArgumentException.class)
				.hasStackTraceContaining(ServiceConfigurationException.class.getName()
						+ ": Invalid value 'first,nobody' for property 'butler.supervision.groups.chain.services': "
						+ "Group 'chain' names 'nobody', which is neither a supervised Butler service nor a group"));
	}

	@Test
	void nestedGroupThatGaveUpShouldBeRestartedByItsParentAlone() {
		this.withoutGroups
			.withPropertyValues("butler.supervision.groups.inner.services=first,middle",
					"butler.supervision.groups.inner.strategy=one-for-all", "butler.supervision.groups.inner.max-restarts=1",
					"butler.supervision.groups.outer.services=inner,last",
					"butler.supervision.groups.outer.strategy=one-for-one")
			.run((context) -> {
				Supervisor supervisor = context.getBean(Supervisor.class);
				events.clear();
				failuresOfMiddle.set(3);
				fail(context.getBean(ThreeServices.class).middle);
				await().atMost(WAIT)
					.until(() -> supervisor.groups().get("outer").restarts() == 1
							&& supervisor.groups().get("inner").restarts() == 2 && failuresOfMiddle.get() == 1
							&& allRunning(supervisor) && !supervisor.groups().get("inner").restarting());
				assertThat(events).doesNotContain("stop last", "start last");
				assertThat(events.stream().filter("start first"::equals)).hasSize(3);
				assertThat(supervisor.groups().get("inner").gaveUpBecause()).isNull();
				assertThat(supervisor.groups().get("inner").parent()).isEqualTo("outer");
				assertThat(supervisor.groups().get("outer").members()).containsExactly("inner", "last");
			});
	}

	@Test
	void groupsNestedInACircleShouldFailStartUpNamingTheCircle() {
		this.contextRunner
			.withPropertyValues("butler.supervision.groups.chain.services=first,other",
					"butler.supervision.groups.other.services=last,chain")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Groups nest in a circle: chain -> other -> chain"));
	}

	@Test
	void stoppedGroupShouldStopInReverseOrderAndStartAgainInOrder() {
		this.contextRunner.run((context) -> {
			Supervisor supervisor = context.getBean(Supervisor.class);
			events.clear();
			supervisor.stopGroup("chain");
			assertThat(events).containsExactly("stop last", "stop middle", "stop first");
			assertThat(supervisor.status("middle").phase()).isEqualTo(Phase.STOPPED);
			supervisor.startGroup("chain");
			assertThat(events).endsWith("start first", "start middle", "start last");
			assertThat(allRunning(supervisor)).isTrue();
		});
	}

	private static boolean allRunning(Supervisor supervisor) {
		return List.of("first", "middle", "last")
			.stream()
			.allMatch((id) -> supervisor.status(id).phase() == Phase.RUNNING);
	}

	private static void fail(MemberService service) {
		service.context.loopExecutor().execute(() -> service.context.stop(List.of("boom")));
	}

	@Configuration(proxyBeanMethods = false)
	static class ThreeServices {

		final MemberService first = new MemberService();

		final MemberService middle = new MemberService();

		final MemberService last = new MemberService();

		@Bean
		MemberService first() {
			return this.first;
		}

		@Bean
		MemberService middle() {
			return this.middle;
		}

		@Bean
		MemberService last() {
			return this.last;
		}

	}

	@ButlerService
	static class MemberService implements MicroService<Void> {

		volatile ServiceContext context;

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.context = context;
		}

		@Override
		public void startActivities() {
			events.add("start " + this.context.serviceId());
			if (this.context.serviceId().equals("middle") && failuresOfMiddle.get() > 1) {
				failuresOfMiddle.decrementAndGet();
				this.context.schedule("fail", () -> this.context.stop(List.of("boom")), Duration.ofMillis(20));
			}
		}

		@Override
		public void stopActivities() {
			events.add("stop " + this.context.serviceId());
		}

	}

}
