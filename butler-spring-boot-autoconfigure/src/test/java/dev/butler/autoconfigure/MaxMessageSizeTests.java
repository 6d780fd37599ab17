package dev.butler.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import dev.butler.control.ManagedMicroService;
import dev.butler.pipe.PipeTestSupport;
import dev.butler.protocol.State;
import dev.butler.protocol.fbdp.FbdpMessage;
import dev.butler.protocol.fbdp.PipeSocket;
import dev.butler.runtime.ChannelSocketCustomizer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@code butler.zmq.max-message-size} on the sockets of services and data pipes, with
 * real peers over tcp.
 */
class MaxMessageSizeTests {

	private static final String UTF_8 = "text/plain;charset=utf-8";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ValidationAutoConfiguration.class));

	private final List<String> limits = new CopyOnWriteArrayList<>();

	private final ChannelSocketCustomizer recorder = (serviceId, channel, type, socket) -> this.limits
		.add(serviceId + "/" + channel + "/" + type + "/" + socket.maxMessageSize());

	@TempDir
	Path directory;

	@Test
	void channelSocketsShouldAcceptFramesOfUpTo64MbByDefault() {
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withBean(ChannelSocketCustomizer.class, () -> this.recorder)
			.run((context) -> assertThat(this.limits).containsExactly("echo/echo/ROUTER/67108864"));
	}

	@Test
	void channelSocketsShouldTakeMaxMessageSizeBeforeCustomizersRun() {
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withBean(ChannelSocketCustomizer.class, () -> this.recorder)
			.withPropertyValues("butler.zmq.max-message-size=1MB")
			.run((context) -> assertThat(this.limits).containsExactly("echo/echo/ROUTER/1048576"));
	}

	@Test
	void maxMessageSizeOfMinusOneShouldLiftTheLimit() {
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withBean(ChannelSocketCustomizer.class, () -> this.recorder)
			.withPropertyValues("butler.zmq.max-message-size=-1")
			.run((context) -> assertThat(this.limits).containsExactly("echo/echo/ROUTER/-1"));
	}

	@Test
	void frameOverMaxMessageSizeShouldNotReachServiceWhichShouldServeOthers() {
		this.contextRunner.withUserConfiguration(EchoService.class)
			.withPropertyValues("butler.zmq.max-message-size=64KB", "butler.services.echo.prefix=>")
			.run((context) -> {
				ManagedMicroService service = context.getBean("butlerService.echo", ManagedMicroService.class);
				String address = service.endpoints().get("echo").get(0);
				try (ZContext zmq = new ZContext(); ZMQ.Socket client = zmq.createSocket(SocketType.DEALER)) {
					client.setHandshakeIvl(500);
					client.setReceiveTimeOut(1000);
					client.connect(address);
					client.send("x".repeat(100_000));
					assertThat(client.recvStr()).as("answer to a frame over the limit").isNull();
				}
				assertThat(ButlerAutoConfigurationTests.request(address, "x".repeat(60_000)))
					.isEqualTo(">" + "x".repeat(60_000));
				assertThat(service.state()).isEqualTo(State.RUNNING);
			});
	}

	@Test
	void pipeSocketsShouldTakeMaxMessageSize() throws IOException {
		Path input = Files.writeString(this.directory.resolve("input.txt"), "line\n");
		Path output = this.directory.resolve("output.txt");
		String address = PipeTestSupport.freeTcpAddress();
		this.contextRunner.withBean(ChannelSocketCustomizer.class, () -> this.recorder)
			.withPropertyValues("butler.zmq.max-message-size=1MB", "butler.services.reader.agent=saturnin.text.reader",
					"butler.services.reader.filename=" + input, "butler.services.reader.pipe=text",
					"butler.services.reader.pipe-address=" + address, "butler.services.reader.pipe-mode=bind",
					"butler.services.writer.agent=saturnin.text.writer", "butler.services.writer.filename=" + output,
					"butler.services.writer.pipe=text", "butler.services.writer.pipe-address=" + address,
					"butler.services.writer.pipe-mode=connect", "butler.services.writer.pipe-format=" + UTF_8)
			.run((context) -> {
				assertThat(this.limits).anyMatch((limit) -> limit.matches("reader/[^/]+/ROUTER/1048576"))
					.anyMatch((limit) -> limit.matches("writer/[^/]+/DEALER/1048576"))
					.allMatch((limit) -> limit.endsWith("/1048576"));
			});
	}

	@Test
	void dataOverMaxMessageSizeShouldNotReachBoundWriter() throws IOException {
		Path output = Files.writeString(this.directory.resolve("output.txt"), "old\n");
		String address = PipeTestSupport.freeTcpAddress();
		this.contextRunner
			.withPropertyValues("butler.zmq.max-message-size=64KB", "butler.services.writer.agent=saturnin.text.writer",
					"butler.services.writer.filename=" + output, "butler.services.writer.file-mode=append",
					"butler.services.writer.pipe=text", "butler.services.writer.pipe-address=" + address,
					"butler.services.writer.pipe-mode=bind", "butler.services.writer.stop-on-close=false")
			.run((context) -> {
				try (ZContext zmq = new ZContext(); ZMQ.Socket client = PipeTestSupport.client(zmq, address)) {
					PipeTestSupport.send(client, FbdpMessage.open("text", PipeSocket.INPUT, UTF_8));
					assertThat(PipeTestSupport.receive(client)).isEqualTo(FbdpMessage.ready(5));
					PipeTestSupport.send(client, FbdpMessage.ready(1));
					PipeTestSupport.send(client, FbdpMessage.data("y".repeat(100_000).getBytes(StandardCharsets.UTF_8)));
					client.setReceiveTimeOut(1000);
					assertThat(ZMsg.recvMsg(client)).as("READY after DATA over the limit").isNull();
				}
				assertThat(Files.readString(output)).isEqualTo("old\n");
			});
	}

}
