package dev.butler.autoconfigure.context;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import dev.butler.actuate.endpoint.ButlerEndpoint;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.endpoint.ButlerEndpointAutoConfiguration;
import dev.butler.autoconfigure.supervision.ButlerSupervisionAutoConfiguration;
import dev.butler.context.ContextState;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ManagedMicroService;
import dev.butler.protocol.State;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.supervision.GroupStatus;
import dev.butler.supervision.RestartStrategy;
import dev.butler.supervision.Supervisor;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

import static dev.butler.autoconfigure.context.BusClient.request;
import static dev.butler.pipe.PipeTestSupport.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for contexts: transactions of a context run side by side, each with its own services,
 * addresses and files, and are started, stopped and restarted over the control bus by a client,
 * which gets an error for every bad request.
 */
class ButlerContextsTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final String frontend = "tcp://127.0.0.1:" + freePort();

	private final String backend = "tcp://127.0.0.1:" + freePort();

	@TempDir
	Path dir;

	private ApplicationContextRunner contextRunner() throws IOException {
		Path input = this.dir.resolve("input.txt");
		Files.writeString(input, "first line\nsecond line\n");
		String relay = "butler.context.definitions.relay.";
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class,
					ButlerSupervisionAutoConfiguration.class, ButlerContextAutoConfiguration.class,
					ButlerEndpointAutoConfiguration.class))
			.withBean("echoTask", EchoTask.class, EchoTask::new,
					(definition) -> definition.setScope(BeanDefinition.SCOPE_PROTOTYPE))
			.withPropertyValues("management.endpoints.web.exposure.include=butler",
					"butler.context.bus.enabled=true", "butler.context.bus.frontend=" + this.frontend,
					"butler.context.bus.backend=" + this.backend, relay + "strategy=one-for-all",
					relay + "services.reader.agent=saturnin.text.reader",
					relay + "services.reader.options.filename=" + input,
					relay + "services.reader.options.pipe=lines",
					relay + "services.reader.options.pipe-address=inproc://lines-{transaction}",
					relay + "services.reader.options.pipe-mode=bind",
					relay + "services.reader.options.pipe-format=text/plain;charset=utf-8",
					relay + "services.writer.agent=saturnin.text.writer",
					relay + "services.writer.options.filename=" + this.dir.resolve("out-{transaction}.txt"),
					relay + "services.writer.options.file-mode=write", relay + "services.writer.options.pipe=lines",
					relay + "services.writer.options.pipe-address=inproc://lines-{transaction}",
					relay + "services.writer.options.pipe-mode=connect",
					relay + "services.writer.options.pipe-format=text/plain;charset=utf-8",
					relay + "services.writer.options.depends-on=reader", relay + "services.echo.bean=echoTask",
					relay + "services.echo.options.address=inproc://echo-{transaction}",
					relay + "services.echo.options.prefix={transaction}:");
	}

	@Test
	void transactionsOfOneContextShouldRunSideBySideEachWithItsOwnAddressesAndFiles() throws IOException {
		contextRunner().run((context) -> {
			ButlerContexts contexts = context.getBean(ButlerContexts.class);
			contexts.start("T1", "relay");
			contexts.start("T2", "relay");
			for (String transaction : List.of("T1", "T2")) {
				await().atMost(WAIT).untilAsserted(() -> assertThat(this.dir.resolve("out-" + transaction + ".txt"))
					.hasContent("first line\nsecond line"));
				assertThat(echo(context, "inproc://echo-" + transaction, "hello")).isEqualTo(transaction + ":hello");
			}
			assertThat(context.getBean(ButlerComponents.class).list()).extracting(ButlerComponent::id)
				.containsExactly("reader-t1", "writer-t1", "echo-t1", "reader-t2", "writer-t2", "echo-t2");
			GroupStatus group = context.getBean(Supervisor.class).groups().get("relay-T2");
			assertThat(group.strategy()).isEqualTo(RestartStrategy.ONE_FOR_ALL);
			assertThat(group.members()).containsExactly("reader-t2", "writer-t2", "echo-t2");
			List<ContextState> shown = context.getBean(ButlerEndpoint.class).components().contexts();
			assertThat(shown).extracting(ContextState::transaction).containsExactly("T1", "T2");
			ContextState.ServiceState echo = shown.get(1).services().get(2);
			assertThat(echo.id()).isEqualTo("echo");
			assertThat(echo.serviceId()).isEqualTo("echo-t2");
			assertThat(echo.name()).isEqualTo("test.echo-task");
			assertThat(echo.instance()).isEqualTo(EchoTask.class.getName());
			assertThat(echo.pid()).isEqualTo(ProcessHandle.current().pid());
			assertThat(echo.state()).isEqualTo("RUNNING");
		});
	}

	@Test
	void contextShouldBeStartedRestartedAndStoppedOverTheBus() throws IOException {
		contextRunner().run((context) -> {
			try (BusClient client = new BusClient(this.frontend, this.backend)) {
				assertThat(client.connect(WAIT)).isTrue();
				client.send("context", request("context", null, "T7", "start", "{\"context\": \"relay\"}"));
				BusClient.Answer started = client.receive();
				assertThat(started.topic()).isEqualTo("state");
				assertThat(started.json().path("header").path("action").asString()).isEqualTo("start");
				assertThat(started.json().path("header").path("transaction").asString()).isEqualTo("T7");
				JsonNode state = started.state();
				assertThat(state.path("context").asString()).isEqualTo("relay");
				assertThat(ids(state)).containsExactly("reader", "writer", "echo");
				assertThat(serviceState(state, "echo")).isEqualTo("RUNNING");
				assertThat(echo(context, "inproc://echo-T7", "hi")).isEqualTo("T7:hi");
				ManagedMicroService echo = context.getBean("butlerService.echo-t7", ManagedMicroService.class);
				Instant firstStart = echo.startedAt();

				client.send("context", request("context", null, "T7", "restart", null));
				assertThat(serviceState(client.receive().state(), "echo")).isEqualTo("RUNNING");
				assertThat(echo.startedAt()).isAfter(firstStart);

				client.send("context", request("echo", "echo", "T7", "stop", null));
				assertThat(serviceState(client.receive().state(), "echo")).isEqualTo("FINISHED");
				client.send("context", request("echo", "echo", "T7", "start", null));
				assertThat(serviceState(client.receive().state(), "echo")).isEqualTo("RUNNING");

				client.send("state", request("state", null, "T7", "request", null));
				BusClient.Answer requested = client.receive();
				assertThat(requested.topic()).isEqualTo("state");
				assertThat(requested.json().path("header").path("action").asString()).isEqualTo("request");
				assertThat(ids(requested.state())).containsExactly("reader", "writer", "echo");

				client.send("context", request("context", null, "T7", "stop", null));
				BusClient.Answer stopped = client.receive();
				assertThat(serviceState(stopped.state(), "echo")).isEqualTo("FINISHED");
				assertThat(context.getBean(ButlerComponents.class).list()).isEmpty();
				assertThat(context.getEnvironment().getPropertySources().stream()
					.filter((source) -> source.getName().contains("T7"))).isEmpty();
				client.send("state", request("state", null, "T7", "request", null));
				assertThat(client.receive().error()).isEqualTo("There is no transaction T7; running: none");
			}
		});
	}

	@Test
	void contextDefinedInTheRequestShouldRun() throws IOException {
		contextRunner().run((context) -> {
			try (BusClient client = new BusClient(this.frontend, this.backend)) {
				assertThat(client.connect(WAIT)).isTrue();
				client.send("context", request("context", null, "adhoc-1", "start", """
						{"definition": {"name": "adhoc", "strategy": "one-for-one", "max-restarts": 2,
						  "restart-within": "30s",
						  "services": {"echo": {"bean": "echoTask",
						    "options": {"address": "inproc://adhoc-{transaction}", "prefix": "{context}/{service}:"}}}}}
						"""));
				BusClient.Answer answer = client.receive();
				assertThat(answer.topic()).as(answer.json().toString()).isEqualTo("state");
				assertThat(serviceState(answer.state(), "echo")).isEqualTo("RUNNING");
				assertThat(echo(context, "inproc://adhoc-adhoc-1", "x")).isEqualTo("adhoc/echo:x");
			}
		});
	}

	@Test
	void everyBadRequestShouldBeAnsweredWithAnErrorNamingWhatIsWrongAndTheBusGoesOn() throws IOException {
		contextRunner().run((context) -> {
			try (BusClient client = new BusClient(this.frontend, this.backend)) {
				assertThat(client.connect(WAIT)).isTrue();
				List<String[]> cases = new ArrayList<>();
				cases.add(new String[] { "not json", "the message is not JSON" });
				cases.add(new String[] { "[1, 2]", "the message is not a JSON object" });
				cases.add(new String[] { "{\"content\": {}}", "the message has no 'header' object" });
				cases.add(new String[] { "{\"header\": {\"transaction\": \"T1\", \"action\": \"start\"}}",
						"header.service_name is missing" });
				cases.add(new String[] { "{\"header\": {\"service_name\": \"context\", \"action\": \"start\"}}",
						"header.transaction is missing" });
				cases.add(new String[] { "{\"header\": {\"service_name\": \"context\", \"transaction\": \"T1\"}}",
						"header.action is missing" });
				cases.add(new String[] { request("context", null, "T1", "explode", null),
						"header.action 'explode' is not an action; known: start, stop, restart, request" });
				cases.add(new String[] { request("context", null, "T/1", "start", null),
						"header.transaction 'T/1' is not a transaction id" });
				cases.add(new String[] { "{\"header\": {\"service_name\": 7, \"transaction\": \"T1\", \"action\": \"start\"}}",
						"header.service_name is not a string" });
				cases.add(new String[] { request("reader", null, "T1", "stop", null), "header.service_id is missing" });
				cases.add(new String[] { request("context", null, "T1", "stop", null),
						"There is no transaction T1; running: none" });
				cases.add(new String[] { request("context", null, "T1", "start", null),
						"There is no transaction T1; running: none" });
				cases.add(new String[] { request("context", null, "T1", "start", "{\"context\": \"nope\"}"),
						"There is no context 'nope'; defined: relay" });
				cases.add(new String[] { request("context", null, "T1", "start", "[]"), "'content' is not a JSON object" });
				cases.add(new String[] {
						request("context", null, "T1", "start", "{\"definition\": {\"name\": \"x\", \"services\": {\"a\": {}}}}"),
						"content.definition.services.a must name either an agent (a standard service) or a bean" });
				cases.add(new String[] {
						request("context", null, "T1", "start",
								"{\"definition\": {\"name\": \"x\", \"services\": {\"a\": {\"agent\": \"no.such\"}}}}"),
						"Service 'a' of context 'x' names agent 'no.such', which no standard service has" });
				cases.add(new String[] {
						request("context", null, "T1", "start", "{\"definition\": {\"name\": \"x\", \"strategy\": \"all\", \"services\": {}}}"),
						"content.definition.strategy 'all' is not a strategy" });
				cases.add(new String[] { request("context", null, "T1", "start",
						"{\"context\": \"relay\", \"definition\": {\"name\": \"x\"}}"),
						"content.definition.services is missing" });
				cases.add(new String[] { request("state", null, "T1", "start", null),
						"header.action 'start' is not what service_name 'state' takes: 'request'" });
				for (String[] bad : cases) {
					client.send("context", bad[0]);
					BusClient.Answer answer = client.receive();
					assertThat(answer.topic()).as(bad[0]).isEqualTo("error");
					assertThat(answer.error()).as(bad[0]).startsWith(bad[1]);
					assertThat(answer.json().path("content").path("request").asString()).isEqualTo(bad[0]);
				}
				client.sendFrames("context");
				assertThat(client.receive().error())
					.isEqualTo("a request has two frames, the topic and a JSON object, but this one has 1");
				client.sendFrames("state", request("state", null, "T1", "request", null), "extra");
				assertThat(client.receive().error()).contains("but this one has 3");
				client.send("context", request("context", null, "T1", "start", "{\"context\": \"relay\"}"));
				assertThat(client.receive().topic()).isEqualTo("state");
				client.send("context", request("reader", "nobody", "T1", "restart", null));
				assertThat(client.receive().error())
					.isEqualTo("Context 'relay' has no service 'nobody'; its services: reader, writer, echo");
				client.send("context", request("context", null, "t1", "start", "{\"definition\": {\"name\": \"other\","
						+ " \"services\": {\"echo\": {\"bean\": \"echoTask\"}}}}"));
				assertThat(client.receive().error()).isEqualTo("Transaction T1 runs context 'relay', not 'other'");
				client.send("context", "{\"header\": {\"service_name\": \"context\", \"transaction\": \"T1\"}}");
				assertThat(client.receive().error()).isEqualTo("header.action is missing");
				client.send("state", request("state", null, "T1", "request", null));
				assertThat(serviceState(client.receive().state(), "echo")).isEqualTo("RUNNING");
			}
		});
	}

	@Test
	void otherTopicsShouldBeForwardedToSubscribers() throws IOException {
		contextRunner().run((context) -> {
			try (BusClient client = new BusClient(this.frontend, this.backend);
					BusClient listener = new BusClient(this.frontend, this.backend, "process")) {
				assertThat(client.connect(WAIT)).isTrue();
				assertThat(listener.connect(WAIT)).isTrue();
				BusClient.Answer received = null;
				for (int i = 0; i < 50 && received == null; i++) {
					client.send("process", "{\"hello\": 1}");
					received = listener.receive(Duration.ofMillis(200));
				}
				assertThat(received).isNotNull();
				assertThat(received.topic()).isEqualTo("process");
				assertThat(received.json().path("hello").asInt()).isOne();
			}
		});
	}

	@Test
	void transactionsListedInTheDefinitionShouldStartWithTheApplication() throws IOException {
		contextRunner().withPropertyValues("butler.context.definitions.relay.transactions=boot1,boot2")
			.run((context) -> {
				ButlerContexts contexts = context.getBean(ButlerContexts.class);
				assertThat(contexts.states()).extracting(ContextState::transaction).containsExactly("boot1", "boot2");
				assertThat(echo(context, "inproc://echo-boot2", "up")).isEqualTo("boot2:up");
				ManagedMicroService echo = context.getBean("butlerService.echo-boot1", ManagedMicroService.class);
				context.getSourceApplicationContext().close();
				assertThat(contexts.states()).isEmpty();
				assertThat(echo.state()).isEqualTo(State.FINISHED);
			});
	}

	@Test
	void triggerWhoseTargetIsTheTransactionsGroupShouldActOnAllItsServices() throws IOException {
		contextRunner()
			.withPropertyValues("butler.context.definitions.relay.services.writer.options.on-exit[0].action=stop",
					"butler.context.definitions.relay.services.writer.options.on-exit[0].target={context}-{transaction}")
			.run((context) -> {
				context.getBean(ButlerContexts.class).start("Q1", "relay");
				ManagedMicroService echo = context.getBean("butlerService.echo-q1", ManagedMicroService.class);
				await().atMost(WAIT).until(() -> echo.state() == State.FINISHED);
				assertThat(this.dir.resolve("out-Q1.txt")).hasContent("first line\nsecond line");
				assertThat(context.getBean(Supervisor.class).triggers())
					.singleElement()
					.satisfies((trigger) -> {
						assertThat(trigger.trigger().target()).isEqualTo("relay-Q1");
						assertThat(trigger.fired()).isOne();
					});
			});
	}

	@Test
	void secondTransactionWhoseAddressIsTheSameShouldBeRefusedNamingTheOption() throws IOException {
		contextRunner().withPropertyValues("butler.context.definitions.relay.services.echo.options.address=inproc://echo")
			.run((context) -> {
				ButlerContexts contexts = context.getBean(ButlerContexts.class);
				contexts.start("A", "relay");
				assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> contexts.start("B", "relay")))
					.hasMessage("Option address of service 'echo' of context 'relay' is inproc://echo in transactions A "
							+ "and B alike; put {transaction} in it so that each transaction has its own");
				assertThat(contexts.states()).extracting(ContextState::transaction).containsExactly("A");
			});
	}

	@Test
	void failingStartShouldLeaveNoServiceOfTheTransactionBehind() throws IOException {
		contextRunner().withPropertyValues("butler.context.definitions.relay.services.echo.options.address=")
			.run((context) -> {
				ButlerContexts contexts = context.getBean(ButlerContexts.class);
				assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> contexts.start("A", "relay")))
					.hasMessageContaining("butler.services.echo-a.address");
				assertThat(contexts.states()).isEmpty();
				assertThat(context.getBean(ButlerComponents.class).list()).isEmpty();
				assertThat(context.getBean(Supervisor.class).groups()).isEmpty();
				assertThat(context.getEnvironment().getPropertySources().stream()
					.filter((source) -> source.getName().startsWith("butlerContext"))).isEmpty();
			});
	}

	@Test
	void serviceNamingBothAnAgentAndABeanShouldFailStartUpNamingTheProperty() throws IOException {
		contextRunner().withPropertyValues("butler.context.definitions.relay.services.echo.agent=saturnin.text.reader")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ServiceConfigurationException.class)
				.hasMessageContaining("butler.context.definitions.relay.services.echo")
				.hasMessageContaining("not both"));
	}

	@Test
	void singletonBeanShouldBeRefusedAsAServiceOfAContext() throws IOException {
		contextRunner().withBean("plain-echo", EchoTask.class, EchoTask::new)
			.withPropertyValues("butler.context.definitions.relay.services.echo.bean=plain-echo",
					"butler.services.plain-echo.address=inproc://plain-echo")
			.run((context) -> assertThat(
					org.assertj.core.api.Assertions.catchThrowable(() -> context.getBean(ButlerContexts.class).start("A", "relay")))
				.hasMessage("Service 'echo' of context 'relay' names bean 'plain-echo', which is not prototype-scoped: "
						+ "each transaction needs a new service; declare it with @Scope(\"prototype\")"));
	}

	@Test
	void curveBusShouldAnswerOnlyTheClientsItLists() throws IOException {
		ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
		ZMQ.Curve.KeyPair listed = ZMQ.Curve.generateKeyPair();
		ZMQ.Curve.KeyPair stranger = ZMQ.Curve.generateKeyPair();
		contextRunner().withPropertyValues("butler.context.bus.curve.secret-key=" + server.secretKey,
				"butler.context.bus.curve.client-keys=" + listed.publicKey)
			.run((context) -> {
				try (BusClient client = new BusClient(this.frontend, this.backend, listed, server.publicKey);
						BusClient intruder = new BusClient(this.frontend, this.backend, stranger, server.publicKey)) {
					assertThat(client.connect(WAIT)).isTrue();
					assertThat(intruder.connect(Duration.ofSeconds(1))).isFalse();
					intruder.send("context", request("context", null, "X1", "start", "{\"context\": \"relay\"}"));
					client.send("state", request("state", null, "X1", "request", null));
					assertThat(client.receive().error()).startsWith("There is no transaction X1");
				}
			});
	}

	@Test
	void curveKeyOfTheWrongLengthShouldFailStartUpNamingTheProperty() throws IOException {
		contextRunner().withPropertyValues("butler.context.bus.curve.secret-key=short")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("butler.context.bus.curve.secret-key")
				.hasMessageContaining("must be a Z85 key of 40 characters"));
	}

	private static String echo(ConfigurableApplicationContext context, String address, String text) {
		try (ZmqSocket dealer = context.getBean(ZmqContext.class).socket(ZmqSocketType.DEALER)) {
			dealer.setReceiveTimeout(5000);
			dealer.connect(address);
			dealer.send(text.getBytes(StandardCharsets.UTF_8), 0);
			byte[] answer = dealer.receive(0);
			assertThat(answer).as("the echo of '" + text + "'").isNotNull();
			return new String(answer, StandardCharsets.UTF_8);
		}
	}

	private static List<String> ids(JsonNode state) {
		List<String> ids = new ArrayList<>();
		state.path("services").forEach((service) -> ids.add(service.path("id").asString()));
		return ids;
	}

	private static String serviceState(JsonNode state, String id) {
		for (JsonNode service : state.path("services")) {
			if (service.path("id").asString().equals(id)) {
				return service.path("state").asString();
			}
		}
		throw new AssertionError("No service '" + id + "' in " + state);
	}

}
