package dev.butler.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Real etcd servers for tests, on loopback ports of their own: one node, or a cluster of several.
 * Each member runs as its own {@code etcd} process (Debian's etcd-server, which {@code .ci/run}
 * installs), with its data in a directory of the test; members can be killed and started again.
 */
public final class EtcdCluster implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private final Path dataDir;

	private final List<Member> members = new ArrayList<>();

	private EtcdCluster(Path dataDir, int size) {
		this.dataDir = dataDir;
		for (int i = 0; i < size; i++) {
			this.members.add(new Member("m" + i, freePort(), freePort()));
		}
	}

	/**
	 * Start a cluster of the given size and wait until every member answers.
	 * @param dataDir where the members keep their data
	 * @param size how many members
	 * @return the running cluster
	 */
	public static EtcdCluster start(Path dataDir, int size) {
		EtcdCluster cluster = new EtcdCluster(dataDir, size);
		cluster.members.forEach((member) -> cluster.startMember(member, "new"));
		cluster.members.forEach(Member::awaitListening);
		return cluster;
	}

	/**
	 * Return the client URL of every member.
	 * @return the endpoints, e.g. {@code http://127.0.0.1:2379}
	 */
	public List<String> endpoints() {
		return this.members.stream().map(Member::clientUrl).toList();
	}

	/**
	 * Kill a member at once, as {@code kill -9} does.
	 * @param index the member
	 */
	public void kill(int index) {
		Member member = this.members.get(index);
		Process process = member.process;
		if (process != null) {
			process.destroyForcibly();
			try {
				process.waitFor();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			member.process = null;
		}
	}

	/**
	 * Start a killed member again, with its data.
	 * @param index the member
	 */
	public void restart(int index) {
		Member member = this.members.get(index);
		startMember(member, "existing");
		member.awaitListening();
	}

	private void startMember(Member member, String state) {
		String initialCluster = this.members.stream()
			.map((other) -> other.name + "=" + other.peerUrl())
			.collect(Collectors.joining(","));
		Path data = this.dataDir.resolve(member.name);
		Path log = this.dataDir.resolve(member.name + ".log");
		List<String> command = List.of("etcd", "--name", member.name, "--data-dir", data.toString(),
				"--listen-client-urls", member.clientUrl(), "--advertise-client-urls", member.clientUrl(),
				"--listen-peer-urls", member.peerUrl(), "--initial-advertise-peer-urls", member.peerUrl(),
				"--initial-cluster", initialCluster, "--initial-cluster-state", state, "--initial-cluster-token",
				"butler-test");
		try {
			Files.createDirectories(this.dataDir);
			member.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start etcd (apt-get install etcd-server): " + ex.getMessage(), ex);
		}
	}

	@Override
	public void close() {
		IntStream.range(0, this.members.size()).forEach(this::kill);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static final class Member {

		private final String name;

		private final int clientPort;

		private final int peerPort;

		private volatile Process process;

		Member(String name, int clientPort, int peerPort) {
			this.name = name;
			this.clientPort = clientPort;
			this.peerPort = peerPort;
		}

		String clientUrl() {
			return "http://127.0.0.1:" + this.clientPort;
		}

		String peerUrl() {
			return "http://127.0.0.1:" + this.peerPort;
		}

		void awaitListening() {
			long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
			while (System.nanoTime() < deadline) {
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress("127.0.0.1", this.clientPort), 200);
					return;
				}
				catch (IOException ex) {
					if (this.process != null && !this.process.isAlive()) {
						throw new IllegalStateException("etcd member " + this.name + " exited with code "
								+ this.process.exitValue() + " at start");
					}
					try {
						Thread.sleep(50);
					}
					catch (InterruptedException interrupted) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			}
			throw new IllegalStateException("etcd member " + this.name + " did not listen on " + clientUrl()
					+ " within " + START_TIMEOUT.toSeconds() + " s");
		}

	}

}
