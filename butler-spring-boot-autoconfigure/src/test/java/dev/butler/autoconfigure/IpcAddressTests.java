package dev.butler.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.IntegrationFlow;

import dev.butler.protocol.ZmqFrames;
import dev.butler.autoconfigure.integration.ButlerIntegrationAutoConfiguration;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.integration.dsl.FbdpPipes;
import dev.butler.pipe.PipeMode;
import dev.butler.pipe.PipeOptions;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.State;
import dev.butler.protocol.iccp.IccpCodec;
import dev.butler.protocol.iccp.IccpMessage;
import dev.butler.runtime.IpcPolicy;
import dev.butler.runtime.UnsupportedTransportException;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@code butler.zmq.ipc}: JeroMQ serves {@code ipc://} as a tcp port that libzmq peers never
 * reach, so every kind of address refuses it at start-up, naming the property, unless emulation is
 * switched on. The emulated cases prove JeroMQ-to-JeroMQ only.
 */
@ExtendWith(OutputCaptureExtension.class)
class IpcAddressTests {

	private static final String REASON = "ipc:// is not supported by the JeroMQ engine (JeroMQ emulates it over TCP "
			+ "and libzmq peers cannot connect); use tcp:// or inproc://";

	private static final String UTF_8 = "text/plain;charset=utf-8";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ButlerAutoConfiguration.class, ValidationAutoConfiguration.class,
					ButlerIntegrationAutoConfiguration.class));

	@TempDir
	Path directory;

	@Test
	void serviceEndpointFromAnOptionShouldBeRejectedNamingTheProperty(CapturedOutput output) {
		String address = ipcAddress("echo");
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withPropertyValues("butler.services.echo.address=" + address)
			.run((context) -> assertRejected(context, "butler.services.echo.address", address));
		assertThat(output).doesNotContain(IpcPolicy.EMULATION_WARNING);
	}

	@Test
	void failedStartupShouldSayWhatToUseInstead(CapturedOutput output) {
		String address = ipcAddress("echo");
		SpringApplication application = new SpringApplicationBuilder(EchoApplication.class).web(WebApplicationType.NONE)
			.properties("butler.services.echo.address=" + address)
			.build();
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("A Butler address uses a transport the ZeroMQ engine does not support")
			.contains("Invalid value '" + address + "' for property 'butler.services.echo.address': " + REASON)
			.contains("Change property 'butler.services.echo.address' to a tcp:// address")
			.contains("'butler.zmq.ipc=emulate'");
	}

	@Test
	void endpointAddedInCodeShouldBeRejectedNamingChannelAndService() {
		this.contextRunner.withUserConfiguration(FixedAddressService.class)
			.withPropertyValues("test.address=ipc://fixed", "test.connect=false")
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(UnsupportedTransportException.class)
				.hasStackTraceContaining("Channel 'out' of service 'fixed' cannot bind ipc://fixed: " + REASON));
	}

	@Test
	void connectInCodeShouldBeRejectedNamingChannelAndService() {
		this.contextRunner.withUserConfiguration(FixedAddressService.class)
			.withPropertyValues("test.address=IPC://fixed", "test.connect=true")
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(UnsupportedTransportException.class)
				.hasStackTraceContaining("Channel 'out' of service 'fixed' cannot connect to IPC://fixed: " + REASON));
	}

	@Test
	void pipeAddressShouldBeRejectedNamingTheProperty() {
		String address = ipcAddress("text");
		this.contextRunner
			.withPropertyValues("butler.services.writer.agent=saturnin.text.writer",
					"butler.services.writer.filename=" + this.directory.resolve("out.txt"),
					"butler.services.writer.pipe=text", "butler.services.writer.pipe_address=" + address,
					"butler.services.writer.pipe_mode=connect", "butler.services.writer.pipe_format=" + UTF_8)
			.run((context) -> assertRejected(context, "butler.services.writer.pipe-address", address));
	}

	@Test
	void filterPipeAddressShouldBeRejectedNamingTheProperty() {
		String address = ipcAddress("filtered");
		this.contextRunner
			.withPropertyValues("butler.services.filter.agent=saturnin.text.linefilter",
					"butler.services.filter.regex=ERROR", "butler.services.filter.input-pipe=text",
					"butler.services.filter.input-pipe-address=tcp://127.0.0.1:5799",
					"butler.services.filter.input-pipe-mode=connect",
					"butler.services.filter.input-pipe-format=" + UTF_8,
					"butler.services.filter.output-pipe=filtered",
					"butler.services.filter.output-pipe-address=" + address,
					"butler.services.filter.output-pipe-mode=bind")
			.run((context) -> assertRejected(context, "butler.services.filter.output-pipe-address", address));
	}

	@ParameterizedTest
	@ValueSource(strings = { "butler.services.echo.control-address", "butler.control.address" })
	void controlAddressShouldBeRejectedNamingTheProperty(String property) {
		String address = ipcAddress("control");
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withPropertyValues(property + "=" + address)
			.run((context) -> assertRejected(context, property, address));
	}

	@Test
	void foreignComponentAddressShouldBeRejectedNamingTheProperty() {
		String address = ipcAddress("saturnin");
		this.contextRunner.withPropertyValues("butler.components.saturnin.address=" + address)
			.run((context) -> assertRejected(context, "butler.components.saturnin.address", address));
	}

	@Test
	void adapterPipeAddressBoundFromPropertiesShouldBeRejectedNamingTheProperty() {
		String address = ipcAddress("items");
		this.contextRunner.withUserConfiguration(AdapterFlow.class)
			.withPropertyValues("test.bound=true", "butler.services.bridge-in.pipe=items",
					"butler.services.bridge-in.pipe-address=" + address, "butler.services.bridge-in.pipe-mode=connect",
					"butler.services.bridge-in.pipe-format=" + UTF_8)
			.run((context) -> assertRejected(context, "butler.services.bridge-in.pipe-address", address));
	}

	@Test
	void adapterPipeAddressGivenInCodeShouldBeRejectedNamingChannelAndService() {
		String address = ipcAddress("items");
		this.contextRunner.withUserConfiguration(AdapterFlow.class)
			.withPropertyValues("test.bound=false", "test.address=" + address)
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(UnsupportedTransportException.class)
				.hasStackTraceContaining(
						"Channel 'pipe' of service 'items-inbound' cannot connect to " + address + ": " + REASON));
	}

	@Test
	void adapterControlAddressShouldBeRejectedNamingTheProperty() {
		String address = ipcAddress("control");
		this.contextRunner.withUserConfiguration(AdapterFlow.class)
			.withPropertyValues("test.bound=false", "test.address=tcp://127.0.0.1:5799",
					"butler.services.items-inbound.control-address=" + address)
			.run((context) -> assertRejected(context, "butler.services.items-inbound.control-address", address));
	}

	@Test
	void serviceEndpointWithEmulationShouldServeJeroMqPeersAndWarnOnce(CapturedOutput output) {
		String address = ipcAddress("echo");
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withPropertyValues("butler.zmq.ipc=emulate", "butler.services.echo.address=" + address,
					"butler.services.echo.prefix=>")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ButlerComponent echo = context.getBean(ButlerComponents.class).find("echo").orElseThrow();
				assertThat(echo.endpoints().get("echo")).singleElement().asString().startsWith("ipc://");
				assertThat(ButlerAutoConfigurationTests.request(address, "hello")).isEqualTo(">hello");
			});
		assertThat(output.getAll().lines().filter((line) -> line.contains(IpcPolicy.EMULATION_WARNING)))
			.singleElement(InstanceOfAssertFactories.STRING)
			.contains("WARN")
			.contains("ipc:// addresses are not Unix sockets but TCP ports on 127.0.0.1 chosen by a hash of the name, "
					+ "reachable only by JeroMQ peers");
	}

	@Test
	void pipelineOverIpcWithEmulationShouldDeliverTheMatchingLines() throws IOException {
		Path input = Files.writeString(this.directory.resolve("in.txt"), "one\nERROR two\nthree\nERROR four\n");
		Path output = this.directory.resolve("out.txt");
		String text = ipcAddress("text");
		String filtered = ipcAddress("filtered");
		List<String> ids = List.of("reader", "filter", "writer");
		this.contextRunner
			.withPropertyValues("butler.zmq.ipc=emulate", "butler.services.reader.agent=saturnin.text.reader",
					"butler.services.reader.filename=" + input, "butler.services.reader.pipe=text",
					"butler.services.reader.pipe-address=" + text, "butler.services.reader.pipe-mode=bind",
					"butler.services.filter.agent=saturnin.text.linefilter", "butler.services.filter.regex=ERROR",
					"butler.services.filter.input-pipe=text", "butler.services.filter.input-pipe-address=" + text,
					"butler.services.filter.input-pipe-mode=connect",
					"butler.services.filter.input-pipe-format=" + UTF_8,
					"butler.services.filter.output-pipe=filtered",
					"butler.services.filter.output-pipe-address=" + filtered,
					"butler.services.filter.output-pipe-mode=bind", "butler.services.writer.agent=saturnin.text.writer",
					"butler.services.writer.filename=" + output, "butler.services.writer.pipe=filtered",
					"butler.services.writer.pipe-address=" + filtered, "butler.services.writer.pipe-mode=connect",
					"butler.services.writer.pipe-format=" + UTF_8)
			.run((context) -> {
				ButlerComponents components = context.getBean(ButlerComponents.class);
				await().atMost(Duration.ofSeconds(20))
					.until(() -> ids.stream().allMatch((id) -> components.find(id).orElseThrow().state().isTerminal()));
				for (String id : ids) {
					assertThat(components.find(id).orElseThrow().outcome()).as(id).isEqualTo(Outcome.OK);
				}
				assertThat(Files.readString(output, StandardCharsets.UTF_8)).isEqualTo("ERROR two\nERROR four\n");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "butler.services.echo.control-address", "butler.control.address" })
	void controlAddressWithEmulationShouldReachAJeroMqController(String property) {
		String address = ipcAddress("control");
		try (ZContext zmq = new ZContext(); ZMQ.Socket controller = zmq.createSocket(SocketType.PAIR)) {
			controller.setReceiveTimeOut(5000);
			controller.bind(address);
			this.contextRunner.withUserConfiguration(EchoService.class)
				.withPropertyValues("butler.zmq.ipc=emulate", property + "=" + address)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					IccpMessage ready = IccpCodec.decode(ZmqFrames.of(ZMsg.recvMsg(controller)));
					assertThat(ready).isInstanceOf(IccpMessage.Ready.class);
					assertThat(((IccpMessage.Ready) ready).endpoints()).containsOnlyKeys("echo");
				});
		}
	}

	@Test
	void foreignComponentWithEmulationShouldBeReachedByAJeroMqComponent() throws Exception {
		String address = ipcAddress("saturnin");
		try (ZContext zmq = new ZContext()) {
			CompletableFuture<IccpMessage> stop = CompletableFuture.supplyAsync(() -> playComponent(zmq, address));
			this.contextRunner
				.withPropertyValues("butler.zmq.ipc=emulate", "butler.components.saturnin.address=" + address,
						"butler.components.saturnin.warm-up-timeout=10s")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					ButlerComponent component = context.getBean(ButlerComponents.class).find("saturnin").orElseThrow();
					assertThat(component.state()).isEqualTo(State.RUNNING);
					assertThat(component.controlAddress()).startsWith("ipc://");
				});
			assertThat(stop.get(10, TimeUnit.SECONDS)).isEqualTo(IccpMessage.STOP);
		}
	}

	/**
	 * Connect a PAIR to the controller at {@code address}, report READY, answer STOP with FINISHED
	 * and return what the controller sent.
	 */
	private static IccpMessage playComponent(ZContext zmq, String address) {
		try (ZMQ.Socket component = zmq.createSocket(SocketType.PAIR)) {
			component.setSendTimeOut(10_000);
			component.setReceiveTimeOut(20_000);
			component.setLinger(1000);
			component.connect(address);
			ZmqFrames.toZMsg(IccpCodec.encode(new IccpMessage.Ready(PeerDescriptor.forThisProcess(), Map.of()))).send(component);
			ZMsg request = ZMsg.recvMsg(component);
			if (request == null) {
				return null;
			}
			ZmqFrames.toZMsg(IccpCodec.encode(IccpMessage.finished(Outcome.OK))).send(component);
			return IccpCodec.decode(ZmqFrames.of(request));
		}
	}

	private static void assertRejected(AssertableApplicationContext context, String property, String address) {
		assertThat(context).getFailure()
			.hasRootCauseInstanceOf(UnsupportedTransportException.class)
			.hasStackTraceContaining("Invalid value '" + address + "' for property '" + property + "': " + REASON)
			.rootCause()
			.satisfies((cause) -> {
				assertThat(((UnsupportedTransportException) cause).getProperty()).isEqualTo(property);
				assertThat(((UnsupportedTransportException) cause).getAddress()).isEqualTo(address);
			});
	}

	/**
	 * An emulated ipc address whose TCP port, which JeroMQ derives from a hash of the name, is free
	 * now and below the ephemeral range, where outgoing connections of other processes take ports.
	 */
	private static String ipcAddress(String name) {
		while (true) {
			String candidate = "butler-test-" + name + "-" + System.nanoTime();
			int port = Math.abs(candidate.hashCode()) % 55536 + 10000;
			if (port >= 10000 && port < 32768 && isFree(port)) {
				return "ipc://" + candidate;
			}
		}
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ButlerAutoConfiguration.class)
	@Import(EchoService.class)
	static class EchoApplication {

	}

	/**
	 * Binds or connects to an address of its own choosing, not one of its options.
	 */
	@ButlerService(id = "fixed")
	static class FixedAddressService implements MicroService<Void> {

		private final String address;

		private final boolean connect;

		FixedAddressService(Environment environment) {
			this.address = environment.getRequiredProperty("test.address");
			this.connect = environment.getRequiredProperty("test.connect", Boolean.class);
		}

		@Override
		public void initialize(Void config, ServiceContext context) {
			context.createChannel("out", ZmqSocketType.PUSH, null);
			if (this.connect) {
				context.channel("out").connect(this.address);
			}
			else {
				context.addEndpoint("out", this.address);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class AdapterFlow {

		@Bean
		IntegrationFlow items(Environment environment) {
			if (environment.getRequiredProperty("test.bound", Boolean.class)) {
				return IntegrationFlow.from(FbdpPipes.inboundAdapter("bridge-in")).nullChannel();
			}
			PipeOptions options = new PipeOptions("items", environment.getRequiredProperty("test.address"),
					PipeMode.CONNECT, UTF_8, 5, Duration.ofSeconds(1), true);
			return IntegrationFlow.from(FbdpPipes.inboundAdapter(options)).nullChannel();
		}

	}

}
