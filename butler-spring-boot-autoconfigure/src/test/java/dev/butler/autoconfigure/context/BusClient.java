package dev.butler.autoconfigure.context;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client of the control bus, as a pyzmq script is: a PUB socket connected to the frontend for
 * requests, a SUB socket connected to the backend for the answers on {@code state} and {@code error}.
 */
final class BusClient implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final ZContext zmq = new ZContext();

	private final ZMQ.Socket requests;

	private final ZMQ.Socket answers;

	BusClient(String frontend, String backend, String... topics) {
		this(frontend, backend, null, null, topics);
	}

	/**
	 * Create a client; with keys, a CURVE client of a bus whose public key is given.
	 */
	BusClient(String frontend, String backend, ZMQ.Curve.KeyPair keys, String serverPublicKey, String... topics) {
		this.requests = this.zmq.createSocket(SocketType.PUB);
		this.answers = this.zmq.createSocket(SocketType.SUB);
		for (ZMQ.Socket socket : new ZMQ.Socket[] { this.requests, this.answers }) {
			socket.setLinger(0);
			if (keys != null) {
				socket.setCurveServerKey(ZMQ.Curve.z85Decode(serverPublicKey));
				socket.setCurvePublicKey(ZMQ.Curve.z85Decode(keys.publicKey));
				socket.setCurveSecretKey(ZMQ.Curve.z85Decode(keys.secretKey));
			}
		}
		this.answers.subscribe("state");
		this.answers.subscribe("error");
		for (String topic : topics) {
			this.answers.subscribe(topic);
		}
		this.requests.connect(frontend);
		this.answers.connect(backend);
	}

	/**
	 * Wait until the bus answers, as PUB/SUB drops what is sent before the connections are up.
	 * @return whether it answered within the time
	 */
	boolean connect(Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		while (System.nanoTime() < deadline) {
			send("state", request("state", null, "ping", "request", null));
			this.answers.setReceiveTimeOut(100);
			ZMsg answer = ZMsg.recvMsg(this.answers);
			if (answer != null) {
				drain();
				return true;
			}
		}
		return false;
	}

	private void drain() {
		this.answers.setReceiveTimeOut(300);
		while (ZMsg.recvMsg(this.answers) != null) {
		}
	}

	void send(String topic, String message) {
		this.requests.sendMore(topic);
		this.requests.send(message);
	}

	void sendFrames(String... frames) {
		for (int i = 0; i < frames.length; i++) {
			this.requests.send(frames[i], (i < frames.length - 1) ? ZMQ.SNDMORE : 0);
		}
	}

	/**
	 * Return the next answer: its topic and its JSON.
	 */
	Answer receive() {
		this.answers.setReceiveTimeOut(15_000);
		ZMsg message = ZMsg.recvMsg(this.answers);
		assertThat(message).as("an answer on the bus").isNotNull();
		assertThat(message.size()).isEqualTo(2);
		return new Answer(message.popString(),
				json.readTree(new String(message.pop().getData(), StandardCharsets.UTF_8)));
	}

	/**
	 * Return the next answer, or null if none comes within the time.
	 */
	Answer receive(Duration within) {
		this.answers.setReceiveTimeOut((int) within.toMillis());
		ZMsg message = ZMsg.recvMsg(this.answers);
		return (message != null) ? new Answer(message.popString(),
				json.readTree(new String(message.pop().getData(), StandardCharsets.UTF_8))) : null;
	}

	static String request(String serviceName, String serviceId, String transaction, String action, String content) {
		StringBuilder header = new StringBuilder("{\"service_name\": \"" + serviceName + "\"");
		if (serviceId != null) {
			header.append(", \"service_id\": \"").append(serviceId).append('"');
		}
		header.append(", \"transaction\": \"").append(transaction).append("\", \"action\": \"").append(action)
			.append("\"}");
		return "{\"header\": " + header + ((content != null) ? ", \"content\": " + content : "") + "}";
	}

	@Override
	public void close() {
		this.zmq.close();
	}

	record Answer(String topic, JsonNode json) {

		String error() {
			return this.json.path("content").path("error").asString();
		}

		JsonNode state() {
			return this.json.path("content").path("state");
		}

	}

}
