package dev.butler.ffm.libzmq;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqEngine;
import dev.butler.zeromq.ZmqEngines;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

/**
 * A rough measurement, not a test: two-frame messages (16 and 64 bytes) from a DEALER to a ROUTER
 * over loopback tcp in one process, each engine through the {@link ZmqEngine} interface, three runs
 * each. Arguments: the messages per run (default 2,000,000), then the engines (default libzmq
 * jeromq). Run on Java 22+ with {@code --enable-native-access=ALL-UNNAMED}.
 */
public final class EngineThroughput {

	private EngineThroughput() {
	}

	public static void main(String[] args) throws Exception {
		int messages = (args.length > 0) ? Integer.parseInt(args[0]) : 2_000_000;
		String[] engines = (args.length > 1) ? java.util.Arrays.copyOfRange(args, 1, args.length)
				: new String[] { "libzmq", "jeromq" };
		for (String name : engines) {
			ZmqEngine engine = ZmqEngines.select(name);
			run(engine, messages / 10);
			for (int run = 1; run <= 3; run++) {
				double rate = run(engine, messages);
				System.out.printf(Locale.ROOT, "%-8s run %d: %.2f M msg/s (%s)%n", name, run, rate / 1e6, engine.version());
			}
		}
	}

	private static double run(ZmqEngine engine, int messages) throws Exception {
		try (ZmqContext context = engine.newContext(1)) {
			ZmqSocket router = context.socket(ZmqSocketType.ROUTER);
			router.bind("tcp://127.0.0.1:*");
			ZmqSocket dealer = context.socket(ZmqSocketType.DEALER);
			dealer.setRoutingId("sender".getBytes());
			dealer.setLinger(-1);
			dealer.connect(router.lastEndpoint());
			byte[] header = new byte[16];
			byte[] payload = new byte[64];
			CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < messages; i++) {
					dealer.send(header, ZmqSocket.SNDMORE);
					dealer.send(payload, 0);
				}
			});
			router.receive(0);
			long started = System.nanoTime();
			router.receive(0);
			router.receive(0);
			for (int i = 1; i < messages; i++) {
				router.receive(0);
				router.receive(0);
				if (router.receive(0).length != payload.length) {
					throw new IllegalStateException("A payload of the wrong size");
				}
			}
			long elapsed = System.nanoTime() - started;
			sent.get();
			dealer.close();
			router.close();
			return (messages - 1) * 1e9 / elapsed;
		}
	}

}
