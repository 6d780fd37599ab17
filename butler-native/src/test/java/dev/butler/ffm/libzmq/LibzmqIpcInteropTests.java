package dev.butler.ffm.libzmq;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqError;
import dev.butler.zeromq.ZmqException;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code ipc://} of the libzmq engine is a Unix domain socket that another libzmq reaches: a Python
 * peer on pyzmq (Debian's {@code python3-zmq}, which CI installs), whichever side binds, with
 * messages of several frames.
 */
class LibzmqIpcInteropTests {

	/** The file type bits of a Unix socket in {@code st_mode}. */
	private static final int S_IFSOCK = 0140000;

	private static final int S_IFMT = 0170000;

	private static final String PEER_CONNECTS = """
			import sys, zmq
			context = zmq.Context()
			dealer = context.socket(zmq.DEALER)
			dealer.setsockopt(zmq.ROUTING_ID, b"pyzmq")
			dealer.connect(sys.argv[1])
			dealer.send_multipart([b"hello", b"", b"from pyzmq"])
			if not dealer.poll(10000):
			    sys.exit("no answer")
			print("|".join(frame.decode() for frame in dealer.recv_multipart()), flush=True)
			dealer.close(0)
			context.term()
			""";

	private static final String PEER_BINDS = """
			import sys, zmq
			context = zmq.Context()
			router = context.socket(zmq.ROUTER)
			router.bind(sys.argv[1])
			print("bound", flush=True)
			if not router.poll(10000):
			    sys.exit("no message")
			frames = router.recv_multipart()
			router.send_multipart([frames[0]] + frames[:0:-1])
			router.close(2000)
			context.term()
			print("answered", flush=True)
			""";

	private static String python;

	@TempDir
	Path directory;

	private ZmqContext context;

	@BeforeAll
	static void findPythonWithPyzmq() {
		python = List.of("python3", "/usr/bin/python3")
			.stream()
			.filter(LibzmqIpcInteropTests::hasPyzmq)
			.findFirst()
			.orElse(null);
		assumeThat(python).as("a python3 with pyzmq (Debian package python3-zmq)").isNotNull();
	}

	@BeforeEach
	void openContext() {
		this.context = new LibzmqEngine().newContext(1);
	}

	@AfterEach
	void closeContext() {
		this.context.close();
	}

	@Test
	void pyzmqDealerShouldReachOurRouterBoundToAUnixSocket() throws Exception {
		Path file = this.directory.resolve("butler.ipc");
		String endpoint = "ipc://" + file;
		ZmqSocket router = this.context.socket(ZmqSocketType.ROUTER);
		router.setReceiveTimeout(10_000);
		router.bind(endpoint);
		assertThat(isUnixSocket(file)).as("%s is a Unix socket", file).isTrue();
		Process peer = start(PEER_CONNECTS, endpoint);
		try {
			List<byte[]> received = router.receiveMessage(false);
			assertThat(received).as("the peer's message").isNotNull();
			assertThat(received).extracting(LibzmqIpcInteropTests::text)
				.containsExactly("pyzmq", "hello", "", "from pyzmq");
			assertThat(router.sendMessage(List.of(bytes("pyzmq"), bytes("answer"), new byte[0], bytes("two")), false))
				.isTrue();
			assertThat(output(peer)).containsExactly("answer||two");
		}
		finally {
			peer.destroyForcibly();
		}
	}

	@Test
	void ourDealerShouldReachAPyzmqRouterBoundToAUnixSocket() throws Exception {
		Path file = this.directory.resolve("saturnin.ipc");
		String endpoint = "ipc://" + file;
		Process peer = start(PEER_BINDS, endpoint);
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8))) {
			assertThat(lines.readLine()).isEqualTo("bound");
			assertThat(isUnixSocket(file)).as("%s is a Unix socket", file).isTrue();
			ZmqSocket dealer = this.context.socket(ZmqSocketType.DEALER);
			dealer.setReceiveTimeout(10_000);
			dealer.connect(endpoint);
			assertThat(dealer.sendMessage(List.of(bytes("first"), bytes("second"), new byte[0], bytes("last")), false))
				.isTrue();
			List<byte[]> answer = dealer.receiveMessage(false);
			assertThat(answer).as("the peer's answer").isNotNull();
			assertThat(answer).extracting(LibzmqIpcInteropTests::text).containsExactly("last", "", "second", "first");
			assertThat(lines.readLine()).isEqualTo("answered");
			assertThat(peer.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(peer.exitValue()).isZero();
		}
		finally {
			peer.destroyForcibly();
		}
	}

	@Test
	void bindingAnIpcPathInAMissingDirectoryShouldFailNamingIt() {
		String endpoint = "ipc://" + this.directory.resolve("missing").resolve("butler.ipc");
		ZmqSocket router = this.context.socket(ZmqSocketType.ROUTER);
		assertThatExceptionOfType(ZmqException.class).isThrownBy(() -> router.bind(endpoint))
			.withMessageStartingWith("Cannot bind to " + endpoint + ": ")
			.satisfies((ex) -> assertThat(ex.error()).isNotEqualTo(ZmqError.PROTOCOL_NOT_SUPPORTED));
	}

	private static boolean isUnixSocket(Path file) throws IOException {
		return Files.exists(file) && (((int) Files.getAttribute(file, "unix:mode")) & S_IFMT) == S_IFSOCK;
	}

	private static Process start(String script, String endpoint) throws IOException {
		return new ProcessBuilder(python, "-c", script, endpoint).redirectErrorStream(true).start();
	}

	private static List<String> output(Process peer) throws Exception {
		List<String> lines = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				lines.add(line);
			}
		}
		assertThat(peer.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(peer.exitValue()).as("the peer's exit, after %s", lines).isZero();
		return lines;
	}

	private static boolean hasPyzmq(String python) {
		try {
			Process process = new ProcessBuilder(python, "-c", "import zmq").redirectErrorStream(true).start();
			return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
