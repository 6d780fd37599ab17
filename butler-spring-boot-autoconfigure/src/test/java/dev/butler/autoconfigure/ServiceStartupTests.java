package dev.butler.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.butler.control.ButlerComponents;
import dev.butler.control.ButlerServiceReadyEvent;
import dev.butler.control.ComponentControlException;
import dev.butler.control.ManagedMicroService;
import dev.butler.control.ServiceStartup;
import dev.butler.protocol.State;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ServiceStartup}: services start with the application in waves by
 * {@code depends-on}, the services of a wave at once, up to {@code butler.startup.concurrency}.
 */
class ServiceStartupTests {

	private static final List<String> events = new CopyOnWriteArrayList<>();

	/** The threads that started each service: those that published its READY event. */
	private static final Map<String, String> startedOn = new ConcurrentHashMap<>();

	private static final Map<String, AtomicInteger> warmUps = new ConcurrentHashMap<>();

	private static volatile CyclicBarrier barrier;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class))
		.withBean(ApplicationListener.class, () -> (ApplicationListener<ButlerServiceReadyEvent>) (event) -> {
			events.add("ready " + event.getService().id());
			startedOn.put(event.getService().id(), Thread.currentThread().getName());
		});

	@BeforeEach
	void clear() {
		events.clear();
		startedOn.clear();
		warmUps.clear();
		barrier = null;
	}

	@Test
	void independentServicesShouldWarmUpAtOnce() {
		// Each warm-up waits until all three warm up: one after the other, the first would time out.
		barrier = new CyclicBarrier(3);
		this.contextRunner.withUserConfiguration(ThreeServices.class)
			.withPropertyValues("butler.services.front.meet=true", "butler.services.middle.meet=true",
					"butler.services.back.meet=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(ManagedMicroService.class).values())
					.allSatisfy((service) -> assertThat(service.state()).isEqualTo(State.RUNNING));
				assertThat(startedOn.values()).hasSize(3).allSatisfy((thread) -> assertThat(thread).matches("butler-start-\\d+"));
			});
	}

	@Test
	void dependentShouldWarmUpOnlyAfterItsDependencyIsReady() {
		this.contextRunner.withUserConfiguration(ThreeServices.class)
			.withPropertyValues("butler.services.front.depends-on=middle", "butler.services.middle.depends-on=back")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(events).containsSubsequence("ready back", "warm-up middle", "ready middle", "warm-up front",
				"ready front");
		assertThat(events.indexOf("warm-up middle")).isGreaterThan(events.indexOf("ready back"));
		assertThat(events.indexOf("warm-up front")).isGreaterThan(events.indexOf("ready middle"));
	}

	@Test
	void groupOrderThatDisagreesWithDependsOnShouldYieldToIt() {
		this.contextRunner.withUserConfiguration(ThreeServices.class)
			.withPropertyValues("butler.supervision.groups.pair.services=front,back",
					"butler.services.front.depends-on=back")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(events.indexOf("warm-up front")).isGreaterThan(events.indexOf("ready back"));
	}

	@Test
	void dependentsOfOneServiceShouldWarmUpTogetherAfterIt() {
		barrier = new CyclicBarrier(2);
		this.contextRunner.withUserConfiguration(ThreeServices.class)
			.withPropertyValues("butler.services.front.depends-on=back", "butler.services.middle.depends-on=back",
					"butler.services.front.meet=true", "butler.services.middle.meet=true")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(events.indexOf("warm-up front")).isGreaterThan(events.indexOf("ready back"));
		assertThat(events.indexOf("warm-up middle")).isGreaterThan(events.indexOf("ready back"));
	}

	@Test
	void concurrencyOfOneShouldStartTheServicesOneAfterAnotherInBeanOrder() {
		String caller = Thread.currentThread().getName();
		this.contextRunner.withUserConfiguration(ThreeServices.class)
			.withPropertyValues("butler.startup.concurrency=1")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(events).filteredOn((event) -> event.startsWith("warm-up ") || event.startsWith("ready "))
			.containsExactly("warm-up front", "ready front", "warm-up middle", "ready middle", "warm-up back",
					"ready back");
		assertThat(startedOn.values()).containsOnly(caller);
	}

	@Test
	void failingServiceShouldFailTheStartNamingItsBeanAndStartNoLaterWave() {
		this.contextRunner.withUserConfiguration(ThreeServices.class)
			.withPropertyValues("butler.services.middle.fail=true", "butler.services.front.depends-on=back")
			.run((context) -> {
				assertThat(context).getFailure()
					.hasMessage("Failed to start bean 'butlerService.middle'")
					.cause()
					.isInstanceOf(ComponentControlException.class)
					.hasMessageContaining("'middle'")
					.hasMessageContaining("Service 'middle' fails as asked");
				assertThat(events).doesNotContain("warm-up front");
			});
		assertThat(events).filteredOn((event) -> event.startsWith("start "))
			.allSatisfy((start) -> assertThat(events).contains(start.replace("start ", "stop ")));
	}

	@Test
	void optionalServiceThatFailsShouldBeTriedOnceAndFailItsDependents() {
		this.contextRunner.withUserConfiguration(ThreeServices.class)
			.withPropertyValues("butler.services.back.fail=true", "butler.services.back.optional=true",
					"butler.services.front.depends-on=back", "butler.services.front.optional=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(warmUps.get("back")).hasValue(1);
				assertThat(warmUps).doesNotContainKey("front");
				assertThat(context.getBean("butlerService.middle", ManagedMicroService.class).state())
					.isEqualTo(State.RUNNING);
				assertThat(context.getBean("butlerService.front", ManagedMicroService.class).isRunning()).isFalse();
			});
	}

	@Test
	void serviceThatFinishesAtOnceShouldNotBeStartedAgainByItsPhase() {
		this.contextRunner.withUserConfiguration(ThreeServices.class)
			.withPropertyValues("butler.services.back.finish=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ManagedMicroService back = context.getBean("butlerService.back", ManagedMicroService.class);
				await().until(() -> back.state() == State.FINISHED);
				assertThat(warmUps.get("back")).hasValue(1);
				back.start();
				assertThat(warmUps.get("back")).as("a later start is a start").hasValue(2);
			});
	}

	@Test
	void serviceRestartedWhileTheApplicationStillStartsShouldReallyStartAgain() {
		this.contextRunner.withUserConfiguration(ThreeServices.class)
			.withBean("restartInALaterPhase", SmartLifecycle.class, RestartInALaterPhase::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ManagedMicroService front = context.getBean("butlerService.front", ManagedMicroService.class);
				assertThat(warmUps.get("front")).as("started, then started again by the later phase").hasValue(2);
				assertThat(front.state()).isEqualTo(State.RUNNING);
			});
	}

	/**
	 * Restarts service {@code front} in a phase after the services' own, while the application
	 * still starts, as a new leader restarts services with its options.
	 */
	static class RestartInALaterPhase implements SmartLifecycle, ApplicationContextAware {

		private ApplicationContext context;

		private volatile boolean running;

		@Override
		public void setApplicationContext(ApplicationContext context) {
			this.context = context;
		}

		@Override
		public void start() {
			ManagedMicroService front = this.context.getBean("butlerService.front", ManagedMicroService.class);
			front.stop();
			front.start();
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return Integer.MAX_VALUE - 1000;
		}

	}

	@Test
	void manyTrivialServicesShouldAllStart() {
		ApplicationContextRunner runner = this.contextRunner;
		for (int i = 0; i < 40; i++) {
			runner = runner.withBean("trivial" + i, TrivialService.class, TrivialService::new);
		}
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ButlerComponents.class).list()).hasSize(40)
				.allSatisfy((service) -> assertThat(service.isRunning()).isTrue());
			assertThat(startedOn).hasSize(40);
		});
	}

	@Test
	void concurrencyBelowOneShouldFailNamingTheProperty() {
		this.contextRunner.withUserConfiguration(ThreeServices.class)
			.withPropertyValues("butler.startup.concurrency=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ServiceConfigurationException.class)
				.hasMessageStartingWith("Invalid value '0' for property 'butler.startup.concurrency': must be at least 1"));
	}

	@Configuration(proxyBeanMethods = false)
	static class ThreeServices {

		@Bean
		RecordingService front() {
			return new RecordingService();
		}

		@Bean
		RecordingService middle() {
			return new RecordingService();
		}

		@Bean
		RecordingService back() {
			return new RecordingService();
		}

	}

	@ButlerService
	static class RecordingService implements MicroService<RecordingService.Config> {

		private String id;

		private ServiceContext context;

		private boolean finish;

		@Override
		public void initialize(Config config, ServiceContext context) throws Exception {
			this.id = context.serviceId();
			this.context = context;
			this.finish = config.finish();
			events.add("warm-up " + this.id);
			warmUps.computeIfAbsent(this.id, (id) -> new AtomicInteger()).incrementAndGet();
			if (config.meet()) {
				barrier.await(20, TimeUnit.SECONDS);
			}
			if (config.fail()) {
				throw new IllegalStateException("Service '" + this.id + "' fails as asked");
			}
		}

		@Override
		public void startActivities() {
			events.add("start " + this.id);
			if (this.finish) {
				this.context.stop();
			}
		}

		@Override
		public void stopActivities() {
			events.add("stop " + this.id);
		}

		record Config(boolean fail, boolean meet, boolean finish) {

		}

	}

	@ButlerService(vendor = "e3a3c7a4-3a9f-4f8e-9d8c-6f7b2e0c1a11")
	static class TrivialService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
		}

	}

}
