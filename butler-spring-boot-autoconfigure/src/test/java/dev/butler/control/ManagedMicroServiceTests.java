package dev.butler.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.State;
import dev.butler.service.ButlerService;
import dev.butler.service.ConfigurationRequest;
import dev.butler.service.MicroService;
import dev.butler.service.ScheduledAction;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ManagedMicroService}: the life cycle of local services driven by the
 * in-process {@link ButlerController} over real ICCP messages.
 */
class ManagedMicroServiceTests {

	private static final Duration PATIENCE = Duration.ofSeconds(5);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class));

	@Test
	void startWhenInitializeFailsShouldFailNamingTheService() {
		this.contextRunner.withUserConfiguration(FailingInitializeService.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("butlerService.bad-init")
				.cause()
				.isInstanceOf(ComponentControlException.class)
				.hasMessage("Component 'bad-init' failed to warm up: Database is down")
				.cause()
				.isInstanceOf(IllegalStateException.class));
	}

	@Test
	void startWhenAcquireResourcesFailsShouldFailNamingTheService() {
		this.contextRunner.withUserConfiguration(FailingAcquireService.class)
			.run((context) -> assertThat(context).getFailure()
				.cause()
				.isInstanceOf(ComponentControlException.class)
				.hasMessage("Component 'bad-acquire' failed to warm up: Cannot open journal")
				.cause()
				.isInstanceOf(IOException.class));
	}

	@Test
	void startWhenOptionalServiceFailsToInitializeShouldAbortItAndKeepRunning() {
		this.contextRunner.withUserConfiguration(FailingInitializeService.class, QuietService.class)
			.withPropertyValues("butler.services.bad-init.optional=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ManagedMicroService failed = service(context, "bad-init");
				assertThat(failed.state()).isEqualTo(State.ABORTED);
				assertThat(failed.outcome()).isEqualTo(Outcome.ERROR);
				assertThat(failed.details()).anySatisfy((line) -> assertThat(line).contains("Database is down"));
				assertThat(failed.isRunning()).isFalse();
				assertThat(service(context, "quiet").state()).isEqualTo(State.RUNNING);
			});
	}

	@Test
	void startWhenOptionalServiceFailsToAcquireResourcesShouldAbortIt() {
		this.contextRunner.withUserConfiguration(FailingAcquireService.class)
			.withPropertyValues("butler.services.bad-acquire.optional=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ManagedMicroService failed = service(context, "bad-acquire");
				assertThat(failed.state()).isEqualTo(State.ABORTED);
				assertThat(failed.outcome()).isEqualTo(Outcome.ERROR);
				assertThat(failed.details()).anySatisfy((line) -> assertThat(line).contains("Cannot open journal"));
			});
	}

	@Test
	void startWhenServiceWarmsUpTooSlowlyShouldFailAfterWarmUpTimeout() {
		this.contextRunner.withUserConfiguration(SlowService.class)
			.withPropertyValues("butler.services.slow.warm-up-timeout=200ms")
			.run((context) -> assertThat(context).getFailure()
				.cause()
				.isInstanceOf(ComponentControlException.class)
				.hasMessage("Butler service 'slow' did not report READY within 200 ms"));
	}

	@Test
	void startWhenOptionalServiceWarmsUpTooSlowlyShouldAbortIt() {
		this.contextRunner.withUserConfiguration(SlowService.class)
			.withPropertyValues("butler.services.slow.warm-up-timeout=200ms", "butler.services.slow.optional=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ManagedMicroService slow = service(context, "slow");
				SlowService service = context.getBean(SlowService.class);
				assertThat(service.warmedUp.await(5, TimeUnit.SECONDS)).isTrue();
				await().atMost(PATIENCE).until(() -> slow.state().isTerminal());
				assertThat(slow.state()).isEqualTo(State.ABORTED);
				assertThat(slow.outcome()).isEqualTo(Outcome.ERROR);
				assertThat(slow.details()).anySatisfy((line) -> assertThat(line).contains("within 200 ms"));
				assertThat(slow.isRunning()).isFalse();
			});
	}

	@Test
	void exceptionInMessageHandlerShouldAbortServiceAndKeepApplicationRunning() {
		this.contextRunner.withUserConfiguration(FragileService.class, QuietService.class).run((context) -> {
			ManagedMicroService fragile = service(context, "fragile");
			assertThat(fragile.state()).isEqualTo(State.RUNNING);
			try (ZContext zmq = new ZContext(); ZMQ.Socket client = zmq.createSocket(SocketType.PUSH)) {
				client.setLinger(0);
				client.setHandshakeIvl(1000);
				client.connect(fragile.endpoints().get("in").get(0));
				client.send("poison");
				await().atMost(PATIENCE).until(fragile::state, State.ABORTED::equals);
			}
			assertThat(fragile.outcome()).isEqualTo(Outcome.ERROR);
			assertThat(fragile.details()).contains("IllegalStateException: Cannot handle 'poison'");
			assertThat(fragile.isRunning()).isFalse();
			assertThat(fragile.statistics().errors()).isEqualTo(1);
			assertThat(context).hasNotFailed();
			ManagedMicroService quiet = service(context, "quiet");
			assertThat(quiet.state()).isEqualTo(State.RUNNING);
			assertThat(quiet.configure(Map.of("level", 2)).accepted()).isTrue();
		});
	}

	@Test
	void restartAfterServiceAbortedShouldRunItAgain() {
		this.contextRunner.withUserConfiguration(FailingActionService.class).run((context) -> {
			ManagedMicroService service = service(context, "bad-action");
			await().atMost(PATIENCE).until(service::state, State.ABORTED::equals);
			context.getBean(FailingActionService.class).explode = false;
			service.restart();
			assertThat(service.state()).isEqualTo(State.RUNNING);
			assertThat(service.outcome()).isEqualTo(Outcome.UNKNOWN);
			assertThat(service.details()).isEmpty();
			assertThat(service.statistics().errors()).isEqualTo(1);
		});
	}

	@Test
	void exceptionInScheduledActionShouldAbortServiceWithDetails() {
		this.contextRunner.withUserConfiguration(FailingActionService.class).run((context) -> {
			ManagedMicroService service = service(context, "bad-action");
			await().atMost(PATIENCE).until(service::state, State.ABORTED::equals);
			assertThat(service.outcome()).isEqualTo(Outcome.ERROR);
			assertThat(service.details()).contains("IllegalStateException: Action 'explode' failed");
			assertThat(service.scheduledActions()).isEmpty();
			assertThat(context).hasNotFailed();
		});
	}

	@Test
	void cancelledScheduledActionsShouldBeForgotten() {
		this.contextRunner.withUserConfiguration(CancellingService.class).run((context) -> {
			ManagedMicroService service = service(context, "cancelling");
			CancellingService cancelling = context.getBean(CancellingService.class);
			await().atMost(PATIENCE).until(() -> cancelling.cancelled.get() == 1000);
			assertThat(service.scheduledActions()).extracting(ScheduledAction::name).containsExactly("keep");
		});
	}

	@Test
	void fixedRateActionThatCancelsItselfShouldStopAndLeaveTheServiceRunning() {
		this.contextRunner.withUserConfiguration(SelfCancellingService.class).run((context) -> {
			ManagedMicroService service = service(context, "self-cancelling");
			SelfCancellingService cancelling = context.getBean(SelfCancellingService.class);
			assertThat(cancelling.later.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(service.state()).isEqualTo(State.RUNNING);
			assertThat(cancelling.runs).hasValue(3);
			assertThat(service.scheduledActions()).extracting(ScheduledAction::name).doesNotContain("tick");
		});
	}

	@Test
	void stopWhenServiceHangsShouldGiveUpAfterStopTimeout() {
		this.contextRunner.withUserConfiguration(HangingService.class)
			.withPropertyValues("butler.services.hanging.stop-timeout=300ms")
			.run((context) -> {
				HangingService hanging = context.getBean(HangingService.class);
				ManagedMicroService service = service(context, "hanging");
				try {
					long started = System.nanoTime();
					context.close();
					Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
					assertThat(hanging.stopping.getCount()).isZero();
					assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(300))
						.isLessThan(Duration.ofSeconds(3));
					assertThat(service.state()).isEqualTo(State.STOPPED);
				}
				finally {
					hanging.release.countDown();
				}
			});
	}

	@Test
	void stopJustAfterServiceFinishedOnItsOwnShouldReturnAtOnce() {
		this.contextRunner.withUserConfiguration(SelfStoppingService.class)
			.withPropertyValues("butler.services.self-stopping.auto-startup=false",
					"butler.services.self-stopping.stop-timeout=2s")
			.run((context) -> {
				SelfStoppingService selfStopping = context.getBean(SelfStoppingService.class);
				ManagedMicroService service = service(context, "self-stopping");
				// The race is narrow: stop() sees the run not ended yet, but its FINISHED has gone out.
				for (int i = 0; i < 10; i++) {
					selfStopping.released = new CountDownLatch(1);
					service.start();
					assertThat(selfStopping.released.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
					long started = System.nanoTime();
					service.stop();
					assertThat(Duration.ofNanos(System.nanoTime() - started)).as("stop, run " + i)
						.isLessThan(Duration.ofSeconds(1));
					assertThat(service.state()).isEqualTo(State.FINISHED);
					assertThat(service.outcome()).isEqualTo(Outcome.OK);
				}
			});
	}

	@Test
	void closeOfContextWhileActionsRunShouldFinishServiceWithOutcomeOk() {
		ManagedMicroService[] service = new ManagedMicroService[1];
		this.contextRunner.withUserConfiguration(BusyService.class).run((context) -> {
			service[0] = service(context, "busy");
			BusyService busy = context.getBean(BusyService.class);
			await().atMost(PATIENCE).until(() -> busy.ticks.get() >= 20);
		});
		assertThat(service[0].details()).isEmpty();
		assertThat(service[0].state()).isEqualTo(State.FINISHED);
		assertThat(service[0].outcome()).isEqualTo(Outcome.OK);
	}

	@Test
	void stopShouldRunStopActivitiesAndFinishWithOutcomeOk() {
		this.contextRunner.withUserConfiguration(QuietService.class).run((context) -> {
			ManagedMicroService service = service(context, "quiet");
			QuietService quiet = context.getBean(QuietService.class);
			service.stop();
			assertThat(service.state()).isEqualTo(State.FINISHED);
			assertThat(service.outcome()).isEqualTo(Outcome.OK);
			assertThat(service.isRunning()).isFalse();
			assertThat(quiet.calls).containsExactly("initialize", "acquireResources", "startActivities",
					"stopActivities", "releaseResources");
		});
	}

	@Test
	void configureWhenServiceHandlesRequestShouldBeAccepted() {
		this.contextRunner.withUserConfiguration(QuietService.class).run((context) -> {
			ButlerComponent.ConfigurationReply reply = service(context, "quiet").configure(Map.of("level", 3));
			assertThat(reply).isEqualTo(new ButlerComponent.ConfigurationReply(true, "OK"));
			assertThat(context.getBean(QuietService.class).level).isEqualTo(3);
		});
	}

	@Test
	void configureWhenServiceThrowsShouldBeRefusedWithItsMessage() {
		this.contextRunner.withUserConfiguration(QuietService.class).run((context) -> {
			ManagedMicroService service = service(context, "quiet");
			ButlerComponent.ConfigurationReply reply = service.configure(Map.of("level", "high"));
			assertThat(reply.accepted()).isFalse();
			assertThat(reply.message()).contains("Option 'level' must be a number, got 'high'");
			assertThat(service.state()).isEqualTo(State.RUNNING);
		});
	}

	@Test
	void configureWhenServiceDoesNotSupportItShouldBeRefused() {
		this.contextRunner.withUserConfiguration(FragileService.class).run((context) -> {
			ManagedMicroService service = service(context, "fragile");
			ButlerComponent.ConfigurationReply reply = service.configure(Map.of("level", 1));
			assertThat(reply.accepted()).isFalse();
			assertThat(reply.message()).contains("does not support run-time configuration");
			assertThat(service.state()).isEqualTo(State.RUNNING);
		});
	}

	@Test
	void configureWhenServiceIsNotRunningShouldBeRefused() {
		this.contextRunner.withUserConfiguration(QuietService.class).run((context) -> {
			ManagedMicroService service = service(context, "quiet");
			service.stop();
			ButlerComponent.ConfigurationReply reply = service.configure(Map.of("level", 1));
			assertThat(reply.accepted()).isFalse();
			assertThat(reply.message()).contains("is not running");
		});
	}

	@Test
	void restartShouldStopServiceAndStartItAgainAsNewPeer() {
		this.contextRunner.withUserConfiguration(QuietService.class).run((context) -> {
			ManagedMicroService service = service(context, "quiet");
			QuietService quiet = context.getBean(QuietService.class);
			PeerDescriptor firstPeer = service.peer();
			String firstControlAddress = service.controlAddress();
			service.restart();
			assertThat(service.state()).isEqualTo(State.RUNNING);
			assertThat(service.outcome()).isEqualTo(Outcome.UNKNOWN);
			assertThat(service.peer().uid()).isNotEqualTo(firstPeer.uid());
			assertThat(service.peer().pid()).isEqualTo(firstPeer.pid());
			assertThat(service.controlAddress()).isNotEqualTo(firstControlAddress);
			assertThat(quiet.initializations).hasValue(2);
			assertThat(quiet.calls).containsSubsequence("stopActivities", "releaseResources", "initialize",
					"acquireResources", "startActivities");
			assertThat(service.configure(Map.of("level", 4)).accepted()).isTrue();
		});
	}

	@Test
	void restartWhenServiceBindsFixedPortShouldBindItAgain() {
		String address = TcpAddresses.freeLoopbackAddress();
		this.contextRunner.withUserConfiguration(FixedPortService.class)
			.withPropertyValues("butler.services.fixed-port.address=" + address)
			.run((context) -> {
				ManagedMicroService service = service(context, "fixed-port");
				assertThat(service.endpoints()).containsEntry("in", List.of(address));
				service.restart();
				assertThat(service.state()).isEqualTo(State.RUNNING);
				assertThat(service.endpoints()).containsEntry("in", List.of(address));
			});
	}

	@Test
	void restartOnTheIdleLoopThreadOfTheLastRunShouldRunTheServiceWithFreshState() throws Exception {
		this.contextRunner.withUserConfiguration(LoopingService.class).run((context) -> {
			ManagedMicroService service = service(context, "looping");
			LoopingService looping = context.getBean(LoopingService.class);
			Thread loopThread = looping.threads.get(0);
			assertThat(looping.threadNames).containsExactly("butler-looping");
			assertThat(service.scheduledActions()).extracting(ScheduledAction::name).containsExactly("tick-1");
			String firstEndpoint = service.endpoints().get("in").get(0);
			service.stop();
			await().atMost(PATIENCE)
				.until(() -> loopThread.getName().startsWith("butler-loop-")
						&& loopThread.getState() == Thread.State.TIMED_WAITING);
			service.start();
			assertThat(looping.threads).containsExactly(loopThread, loopThread);
			assertThat(looping.threadNames).containsExactly("butler-looping", "butler-looping");
			assertThat(looping.contexts).hasSize(2).doesNotHaveDuplicates();
			assertThat(service.scheduledActions()).extracting(ScheduledAction::name).containsExactly("tick-2");
			String secondEndpoint = service.endpoints().get("in").get(0);
			assertThat(secondEndpoint).isNotEqualTo(firstEndpoint);
			try (ZContext zmq = new ZContext(); ZMQ.Socket client = zmq.createSocket(SocketType.PUSH)) {
				client.setLinger(0);
				client.setHandshakeIvl(1000);
				client.connect(secondEndpoint);
				client.send("hello");
				assertThat(looping.received.poll(5, TimeUnit.SECONDS)).isEqualTo("hello on butler-looping");
			}
			service.stop();
			assertThat(service.state()).isEqualTo(State.FINISHED);
			assertThat(service.outcome()).isEqualTo(Outcome.OK);
		});
	}

	private static ManagedMicroService service(ApplicationContext context, String id) {
		return context.getBean("butlerService." + id, ManagedMicroService.class);
	}

	@ButlerService("quiet")
	static class QuietService implements MicroService<Void> {

		final List<String> calls = new CopyOnWriteArrayList<>();

		final AtomicInteger initializations = new AtomicInteger();

		volatile Object level;

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.calls.add("initialize");
			this.initializations.incrementAndGet();
		}

		@Override
		public void acquireResources() {
			this.calls.add("acquireResources");
		}

		@Override
		public void startActivities() {
			this.calls.add("startActivities");
		}

		@Override
		public void stopActivities() {
			this.calls.add("stopActivities");
		}

		@Override
		public void releaseResources() {
			this.calls.add("releaseResources");
		}

		@Override
		public void handleConfigRequest(ConfigurationRequest request) {
			Object value = request.options().get("level");
			if (!(value instanceof Number)) {
				throw new IllegalArgumentException("Option 'level' must be a number, got '" + value + "'");
			}
			this.level = value;
		}

	}

	@ButlerService("bad-init")
	static class FailingInitializeService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
			throw new IllegalStateException("Database is down");
		}

	}

	@ButlerService("bad-acquire")
	static class FailingAcquireService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
		}

		@Override
		public void acquireResources() throws IOException {
			throw new IOException("Cannot open journal");
		}

	}

	@ButlerService("fragile")
	static class FragileService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.createChannel("in", ZmqSocketType.PULL, (channel, message) -> {
				throw new IllegalStateException("Cannot handle '" + new String(message.get(0), StandardCharsets.UTF_8) + "'");
			});
			context.addEndpoint("in", "tcp://127.0.0.1:*");
		}

	}

	@ButlerService("bad-action")
	static class FailingActionService implements MicroService<Void> {

		volatile boolean explode = true;

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.schedule("explode", () -> {
				if (this.explode) {
					throw new IllegalStateException("Action 'explode' failed");
				}
			}, Duration.ofMillis(50));
		}

	}

	@ButlerService("hanging")
	static class HangingService implements MicroService<Void> {

		final CountDownLatch stopping = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public void initialize(Void config, ServiceContext context) {
		}

		@Override
		public void stopActivities() throws InterruptedException {
			this.stopping.countDown();
			this.release.await(5, TimeUnit.SECONDS);
		}

	}

	@ButlerService("self-stopping")
	static class SelfStoppingService implements MicroService<Void> {

		volatile CountDownLatch released = new CountDownLatch(1);

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.schedule("stop", context::stop, Duration.ofMillis(20));
		}

		@Override
		public void releaseResources() {
			this.released.countDown();
		}

	}

	@ButlerService("busy")
	static class BusyService implements MicroService<Void> {

		final AtomicInteger ticks = new AtomicInteger();

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.scheduleAtFixedRate("tick", this.ticks::incrementAndGet, Duration.ofMillis(1));
		}

	}

	@ButlerService("cancelling")
	static class CancellingService implements MicroService<Void> {

		final AtomicInteger cancelled = new AtomicInteger();

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.schedule("keep", () -> {
			}, Duration.ofHours(1));
			context.schedule("churn", () -> {
				for (int i = 0; i < 1000; i++) {
					context.scheduleWithFixedDelay("probe", () -> {
					}, Duration.ofMillis(100)).cancel();
					context.schedule("resend", () -> {
					}, Duration.ofSeconds(1)).cancel();
				}
				this.cancelled.set(1000);
			}, Duration.ofMillis(1));
		}

	}

	@ButlerService("self-cancelling")
	static class SelfCancellingService implements MicroService<Void> {

		final AtomicInteger runs = new AtomicInteger();

		final CountDownLatch later = new CountDownLatch(1);

		@Override
		public void initialize(Void config, ServiceContext context) {
			AtomicReference<ScheduledAction> tick = new AtomicReference<>();
			tick.set(context.scheduleAtFixedRate("tick", () -> {
				if (this.runs.incrementAndGet() == 3) {
					tick.get().cancel();
					context.schedule("later", this.later::countDown, Duration.ofMillis(50));
				}
			}, Duration.ofMillis(10)));
		}

	}

	@ButlerService("slow")
	static class SlowService implements MicroService<Void> {

		final CountDownLatch warmedUp = new CountDownLatch(1);

		@Override
		public void initialize(Void config, ServiceContext context) throws InterruptedException {
			Thread.sleep(600);
		}

		@Override
		public void startActivities() {
			this.warmedUp.countDown();
		}

	}

	@ButlerService("looping")
	static class LoopingService implements MicroService<Void> {

		final List<Thread> threads = new CopyOnWriteArrayList<>();

		final List<String> threadNames = new CopyOnWriteArrayList<>();

		final List<ServiceContext> contexts = new CopyOnWriteArrayList<>();

		final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		@Override
		public void initialize(Void config, ServiceContext context) {
			this.threads.add(Thread.currentThread());
			this.threadNames.add(Thread.currentThread().getName());
			this.contexts.add(context);
			context.createChannel("in", ZmqSocketType.PULL, (channel, message) -> this.received
				.add(new String(message.get(0), StandardCharsets.UTF_8) + " on " + Thread.currentThread().getName()));
			context.addEndpoint("in", "tcp://127.0.0.1:*");
			context.scheduleAtFixedRate("tick-" + this.contexts.size(), () -> {
			}, Duration.ofMinutes(1));
		}

	}

	@ButlerService("fixed-port")
	static class FixedPortService implements MicroService<FixedPortService.Config> {

		@Override
		public void initialize(Config config, ServiceContext context) {
			context.createChannel("in", ZmqSocketType.PULL, (channel, message) -> {
			});
			context.addEndpoint("in", config.address());
		}

		record Config(String address) {

		}

	}

}
