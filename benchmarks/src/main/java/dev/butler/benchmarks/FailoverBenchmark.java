package dev.butler.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.etcd.jetcd.Client;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;
import org.springframework.util.FileSystemUtils;

import dev.butler.cluster.ClusterKeys;
import dev.butler.cluster.EtcdLeaderInitiator;
import dev.butler.runtime.ButlerThreads;

/**
 * Failover of the cluster's leadership on a real etcd process (Debian's etcd-server), two
 * instances in one JVM, each with its own etcd client: the time from the leader going away until
 * the other instance is granted leadership. {@code gracefulStop}: the leader stops and resigns.
 * {@code leaderVanishes}: the leader's etcd client is closed without a word, as a {@code kill -9}
 * leaves it, so the other waits for the lease (time to live 2 s) to expire.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@State(Scope.Benchmark)
public class FailoverBenchmark {

	private static final ClusterKeys KEYS = new ClusterKeys("/bench", "failover");

	private static final Duration TTL = Duration.ofSeconds(2);

	private Path dataDir;

	private Process etcd;

	private String endpoint;

	private ButlerThreads threads;

	private Instance leader;

	private Instance follower;

	@Setup(Level.Trial)
	public void startEtcd() throws Exception {
		this.dataDir = Files.createTempDirectory("butler-failover");
		int client = freePort();
		int peer = freePort();
		this.endpoint = "http://127.0.0.1:" + client;
		this.etcd = new ProcessBuilder("etcd", "--data-dir", this.dataDir.resolve("data").toString(),
				"--listen-client-urls", this.endpoint, "--advertise-client-urls", this.endpoint, "--listen-peer-urls",
				"http://127.0.0.1:" + peer).redirectErrorStream(true)
			.redirectOutput(this.dataDir.resolve("etcd.log").toFile())
			.start();
		awaitListening(client);
		this.threads = new ButlerThreads();
	}

	@Setup(Level.Invocation)
	public void electOne() throws Exception {
		this.leader = new Instance("first", this.endpoint, this.threads);
		this.leader.initiator.start();
		this.leader.awaitGranted();
		this.follower = new Instance("second", this.endpoint, this.threads);
		this.follower.initiator.start();
		Thread.sleep(200);
	}

	@Benchmark
	public Context gracefulStop() throws Exception {
		this.leader.initiator.stop();
		return this.follower.awaitGranted();
	}

	@Benchmark
	@Warmup(iterations = 1)
	@Measurement(iterations = 8)
	public Context leaderVanishes() throws Exception {
		this.leader.client.close();
		return this.follower.awaitGranted();
	}

	@TearDown(Level.Invocation)
	public void stopBoth() {
		this.follower.close();
		this.leader.close();
	}

	@TearDown(Level.Trial)
	public void stopEtcd() throws IOException {
		this.threads.close();
		this.etcd.destroyForcibly();
		FileSystemUtils.deleteRecursively(this.dataDir);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void awaitListening(int port) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
				return;
			}
			catch (IOException ex) {
				Thread.sleep(50);
			}
		}
		throw new UncheckedIOException(new IOException("etcd did not listen on port " + port));
	}

	private static final class Instance implements Candidate, AutoCloseable {

		private final String name;

		private final Client client;

		private final EtcdLeaderInitiator initiator;

		private final AtomicReference<Context> granted = new AtomicReference<>();

		Instance(String name, String endpoint, ButlerThreads threads) {
			this.name = name;
			this.client = Client.builder().endpoints(endpoint).build();
			this.initiator = new EtcdLeaderInitiator(this.client, KEYS, this, name, TTL, Duration.ofMillis(100),
					threads, Clock.systemUTC());
		}

		Context awaitGranted() throws InterruptedException {
			Context context;
			while ((context = this.granted.get()) == null) {
				Thread.onSpinWait();
			}
			return context;
		}

		@Override
		public String getRole() {
			return KEYS.group();
		}

		@Override
		public String getId() {
			return this.name;
		}

		@Override
		public void onGranted(Context context) {
			this.granted.set(context);
		}

		@Override
		public void onRevoked(Context context) {
		}

		@Override
		public void close() {
			this.initiator.stop();
			this.client.close();
		}

	}

}
