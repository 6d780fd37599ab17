package dev.butler.runtime;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.butler.zeromq.ZmqError;
import dev.butler.zeromq.ZmqException;

/**
 * Why the ZeroMQ engine refused an address, in words: JeroMQ's own messages are a bare host name, a
 * port number or an error code.
 */
record AddressProblem(String reason, boolean inUse) {

	private static final String EXAMPLE = "e.g. tcp://127.0.0.1:5700";

	static AddressProblem of(String address, RuntimeException failure) {
		String text = address.strip();
		int separator = text.indexOf("://");
		if (separator < 0) {
			return invalid("not a ZeroMQ address; expected <transport>://<address>, " + EXAMPLE);
		}
		String transport = text.substring(0, separator).toLowerCase(Locale.ROOT);
		if (failure instanceof ZmqException zmq && zmq.error() == ZmqError.PROTOCOL_NOT_SUPPORTED) {
			return invalid("transport '" + transport + "://' is not supported; use tcp:// or inproc://");
		}
		if (!transport.equals("tcp")) {
			return invalid(describe(failure));
		}
		String rest = text.substring(separator + 3);
		int colon = rest.lastIndexOf(':');
		if (colon < 0) {
			return invalid("no port; expected tcp://<host>:<port>, " + EXAMPLE);
		}
		String host = rest.substring(0, colon);
		String port = rest.substring(colon + 1);
		if (!isPort(port)) {
			return invalid("port '" + port + "' is not a number from 0 to 65535, nor *");
		}
		InetAddress resolved = resolve(host);
		if (resolved == null) {
			return invalid("unknown host '" + host + "'");
		}
		if (failure instanceof ZmqException zmq && zmq.error() == ZmqError.ADDRESS_IN_USE) {
			// JeroMQ reports an address of another host as in use, too.
			return isLocal(resolved) ? new AddressProblem("the address is already in use", true)
					: invalid("'" + host + "' is not an address of this host");
		}
		return invalid(describe(failure));
	}

	private static AddressProblem invalid(String reason) {
		return new AddressProblem(reason, false);
	}

	private static boolean isPort(String port) {
		if (port.equals("*")) {
			return true;
		}
		try {
			int number = Integer.parseInt(port);
			return number >= 0 && number <= 65535;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	private static @Nullable InetAddress resolve(String host) {
		if (host.isEmpty() || host.equals("*")) {
			return InetAddress.getLoopbackAddress();
		}
		try {
			return InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
		}
		catch (UnknownHostException | RuntimeException ex) {
			return null;
		}
	}

	private static boolean isLocal(InetAddress address) {
		try {
			return address.isAnyLocalAddress() || address.isLoopbackAddress()
					|| NetworkInterface.getByInetAddress(address) != null;
		}
		catch (SocketException ex) {
			return true;
		}
	}

	/**
	 * Return the reason a failure gives: of an engine's failure, the why alone, as the caller says
	 * what failed already.
	 */
	private static String describe(RuntimeException failure) {
		String message = (failure instanceof ZmqException zmq) ? zmq.reason() : failure.getMessage();
		return (message != null && !message.isBlank()) ? message : failure.getClass().getSimpleName();
	}

}
