package dev.butler.ffm.libzmq;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import dev.butler.zeromq.ZmqError;
import dev.butler.zeromq.ZmqException;

/**
 * The functions of libzmq (and the few of the C library) that the engine calls, linked once when
 * this class is first used. Calls that may fail capture {@code errno} right after they return,
 * before the JVM can change it. Calls that never block are linked as critical: the JVM does not
 * make them a safepoint, and {@code zmq_send} reads a Java array in place.
 */
final class LibZmq {

	/** The names tried, in order. */
	static final String[] LIBRARY_NAMES = { "libzmq.so.5", "libzmq.so" };

	static final int ZMQ_IO_THREADS = 1;

	static final int ZMQ_MAX_SOCKETS = 2;

	static final int ZMQ_DONTWAIT = 1;

	static final int ZMQ_SNDMORE = 2;

	static final int ZMQ_POLLIN = 1;

	static final int ZMQ_POLLOUT = 2;

	static final int ZMQ_SRCFD = 2;

	static final int ZMQ_ROUTING_ID = 5;

	static final int ZMQ_SUBSCRIBE = 6;

	static final int ZMQ_EVENTS = 15;

	static final int ZMQ_LINGER = 17;

	static final int ZMQ_MAXMSGSIZE = 22;

	static final int ZMQ_SNDHWM = 23;

	static final int ZMQ_RCVHWM = 24;

	static final int ZMQ_RCVTIMEO = 27;

	static final int ZMQ_SNDTIMEO = 28;

	static final int ZMQ_LAST_ENDPOINT = 32;

	static final int ZMQ_ROUTER_MANDATORY = 33;

	static final int ZMQ_CURVE_SERVER = 47;

	static final int ZMQ_CURVE_SECRETKEY = 49;

	static final int ZMQ_ZAP_DOMAIN = 55;

	static final int ZMQ_HANDSHAKE_IVL = 66;

	static final int ZMQ_HEARTBEAT_IVL = 75;

	static final int ZMQ_HEARTBEAT_TTL = 76;

	static final int ZMQ_HEARTBEAT_TIMEOUT = 77;

	/** Draft API: a ROUTER delivers this message from a peer whose connection dropped. */
	static final int ZMQ_DISCONNECT_MSG = 111;

	/** Draft API: a connecting socket delivers this message when its connection dropped. */
	static final int ZMQ_HICCUP_MSG = 114;

	static final int EINTR = 4;

	static final int EAGAIN = 11;

	static final int EINVAL = 22;

	static final int EPROTONOSUPPORT = 93;

	static final int EADDRINUSE = 98;

	static final int EADDRNOTAVAIL = 99;

	static final int EMFILE = 24;

	static final int EHOSTUNREACH = 113;

	static final int ETERM = 156384712 + 53;

	/** {@code sizeof(zmq_msg_t)}: 64 bytes, aligned as a pointer. */
	static final MemoryLayout MSG = MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_LONG);

	/** {@code zmq_pollitem_t} on 64-bit Linux: socket, fd, events, revents. */
	static final StructLayout POLL_ITEM = MemoryLayout.structLayout(ValueLayout.ADDRESS.withName("socket"),
			ValueLayout.JAVA_INT.withName("fd"), ValueLayout.JAVA_SHORT.withName("events"),
			ValueLayout.JAVA_SHORT.withName("revents"));

	static final long POLL_ITEM_SOCKET = POLL_ITEM.byteOffset(PathElement.groupElement("socket"));

	static final long POLL_ITEM_FD = POLL_ITEM.byteOffset(PathElement.groupElement("fd"));

	static final long POLL_ITEM_EVENTS = POLL_ITEM.byteOffset(PathElement.groupElement("events"));

	static final long POLL_ITEM_REVENTS = POLL_ITEM.byteOffset(PathElement.groupElement("revents"));

	static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();

	private static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));

	/** A pointer to bytes of any length, read up to a length known otherwise. */
	private static final AddressLayout BYTES = ValueLayout.ADDRESS
		.withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

	private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

	private static final ValueLayout.OfLong SIZE_T = ValueLayout.JAVA_LONG;

	private static final AddressLayout POINTER = ValueLayout.ADDRESS;

	static final MethodHandle VERSION;

	static final MethodHandle HAS;

	static final MethodHandle STRERROR;

	static final MethodHandle CTX_NEW;

	static final MethodHandle CTX_SET;

	static final MethodHandle CTX_TERM;

	static final MethodHandle SOCKET;

	static final MethodHandle CLOSE;

	static final MethodHandle SETSOCKOPT;

	static final MethodHandle GETSOCKOPT;

	static final MethodHandle BIND;

	static final MethodHandle CONNECT;

	static final MethodHandle UNBIND;

	static final MethodHandle DISCONNECT;

	static final MethodHandle SOCKET_MONITOR;

	/** {@code zmq_send} of a Java array, without waiting. */
	static final MethodHandle SEND_NOW;

	/** {@code zmq_send} of native memory, which may wait. */
	static final MethodHandle SEND;

	static final MethodHandle MSG_INIT;

	/** {@code zmq_msg_recv} without waiting. */
	static final MethodHandle MSG_RECV_NOW;

	/** {@code zmq_msg_recv}, which may wait. */
	static final MethodHandle MSG_RECV;

	static final MethodHandle MSG_DATA;

	static final MethodHandle MSG_SIZE;

	static final MethodHandle MSG_MORE;

	static final MethodHandle MSG_GET;

	static final MethodHandle MSG_CLOSE;

	static final MethodHandle POLL;

	static final MethodHandle EVENTFD;

	static final MethodHandle WRITE;

	static final MethodHandle READ;

	static final MethodHandle CLOSE_FD;

	static {
		SymbolLookup zmq = lookup();
		Linker linker = Linker.nativeLinker();
		SymbolLookup libc = linker.defaultLookup();
		Linker.Option errno = Linker.Option.captureCallState("errno");
		Linker.Option critical = Linker.Option.critical(false);
		VERSION = link(zmq, "zmq_version", FunctionDescriptor.ofVoid(POINTER, POINTER, POINTER));
		HAS = link(zmq, "zmq_has", FunctionDescriptor.of(INT, POINTER));
		STRERROR = link(zmq, "zmq_strerror", FunctionDescriptor.of(BYTES, INT));
		CTX_NEW = link(zmq, "zmq_ctx_new", FunctionDescriptor.of(POINTER));
		CTX_SET = link(zmq, "zmq_ctx_set", FunctionDescriptor.of(INT, POINTER, INT, INT), errno);
		CTX_TERM = link(zmq, "zmq_ctx_term", FunctionDescriptor.of(INT, POINTER), errno);
		SOCKET = link(zmq, "zmq_socket", FunctionDescriptor.of(POINTER, POINTER, INT), errno);
		CLOSE = link(zmq, "zmq_close", FunctionDescriptor.of(INT, POINTER));
		SETSOCKOPT = link(zmq, "zmq_setsockopt", FunctionDescriptor.of(INT, POINTER, INT, POINTER, SIZE_T), errno);
		GETSOCKOPT = link(zmq, "zmq_getsockopt", FunctionDescriptor.of(INT, POINTER, INT, POINTER, POINTER), errno);
		BIND = link(zmq, "zmq_bind", FunctionDescriptor.of(INT, POINTER, POINTER), errno);
		CONNECT = link(zmq, "zmq_connect", FunctionDescriptor.of(INT, POINTER, POINTER), errno);
		UNBIND = link(zmq, "zmq_unbind", FunctionDescriptor.of(INT, POINTER, POINTER), errno);
		DISCONNECT = link(zmq, "zmq_disconnect", FunctionDescriptor.of(INT, POINTER, POINTER), errno);
		SOCKET_MONITOR = link(zmq, "zmq_socket_monitor", FunctionDescriptor.of(INT, POINTER, POINTER, INT), errno);
		FunctionDescriptor send = FunctionDescriptor.of(INT, POINTER, POINTER, SIZE_T, INT);
		SEND_NOW = link(zmq, "zmq_send", send, errno, Linker.Option.critical(true));
		SEND = link(zmq, "zmq_send", send, errno);
		MSG_INIT = link(zmq, "zmq_msg_init", FunctionDescriptor.of(INT, POINTER), critical);
		FunctionDescriptor receive = FunctionDescriptor.of(INT, POINTER, POINTER, INT);
		MSG_RECV_NOW = link(zmq, "zmq_msg_recv", receive, errno, critical);
		MSG_RECV = link(zmq, "zmq_msg_recv", receive, errno);
		MSG_DATA = link(zmq, "zmq_msg_data", FunctionDescriptor.of(BYTES, POINTER), critical);
		MSG_SIZE = link(zmq, "zmq_msg_size", FunctionDescriptor.of(SIZE_T, POINTER), critical);
		MSG_MORE = link(zmq, "zmq_msg_more", FunctionDescriptor.of(INT, POINTER), critical);
		MSG_GET = link(zmq, "zmq_msg_get", FunctionDescriptor.of(INT, POINTER, INT), critical);
		MSG_CLOSE = link(zmq, "zmq_msg_close", FunctionDescriptor.of(INT, POINTER), critical);
		POLL = link(zmq, "zmq_poll", FunctionDescriptor.of(INT, POINTER, INT, ValueLayout.JAVA_LONG), errno);
		EVENTFD = link(libc, "eventfd", FunctionDescriptor.of(INT, INT, INT), errno);
		WRITE = link(libc, "write", FunctionDescriptor.of(ValueLayout.JAVA_LONG, INT, POINTER, SIZE_T));
		READ = link(libc, "read", FunctionDescriptor.of(ValueLayout.JAVA_LONG, INT, POINTER, SIZE_T));
		CLOSE_FD = link(libc, "close", FunctionDescriptor.of(INT, INT));
	}

	private LibZmq() {
	}

	/**
	 * Load libzmq, trying each of {@link #LIBRARY_NAMES}.
	 * @return its symbols
	 * @throws UnsupportedOperationException naming the libraries if none can be loaded
	 */
	static SymbolLookup lookup() {
		StringBuilder problems = new StringBuilder();
		for (String name : LIBRARY_NAMES) {
			try {
				return SymbolLookup.libraryLookup(name, Arena.global());
			}
			catch (IllegalArgumentException ex) {
				problems.append((problems.length() > 0) ? "; " : "").append(ex.getMessage());
			}
		}
		throw new UnsupportedOperationException("libzmq cannot be loaded: neither " + String.join(" nor ", LIBRARY_NAMES)
				+ " was found (install libzmq5): " + problems);
	}

	private static MethodHandle link(SymbolLookup library, String name, FunctionDescriptor function,
			Linker.Option... options) {
		MemorySegment symbol = library.find(name)
			.orElseThrow(() -> new UnsupportedOperationException("The loaded libzmq has no function '" + name + "'"));
		return Linker.nativeLinker().downcallHandle(symbol, function, options);
	}

	/**
	 * Link the functions, which loading this class does.
	 */
	static void link() {
	}

	static int errno(MemorySegment state) {
		return (int) ERRNO.get(state, 0L);
	}

	/**
	 * Describe an error number as libzmq does, e.g. {@code Address already in use}.
	 */
	static String describe(int errno) {
		try {
			MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
			return text.equals(MemorySegment.NULL) ? "error " + errno : text.getString(0);
		}
		catch (Throwable ex) {
			return "error " + errno;
		}
	}

	/**
	 * Return what an error number means.
	 */
	static ZmqError error(int errno) {
		return switch (errno) {
			case EHOSTUNREACH -> ZmqError.HOST_UNREACHABLE;
			case EADDRINUSE -> ZmqError.ADDRESS_IN_USE;
			case EADDRNOTAVAIL -> ZmqError.ADDRESS_NOT_AVAILABLE;
			case EPROTONOSUPPORT -> ZmqError.PROTOCOL_NOT_SUPPORTED;
			case EINVAL -> ZmqError.INVALID;
			case EMFILE -> ZmqError.TOO_MANY_SOCKETS;
			case ETERM -> ZmqError.TERMINATED;
			default -> ZmqError.OTHER;
		};
	}

	/**
	 * Return the failure of an operation.
	 * @param errno the error number
	 * @param what what failed, e.g. {@code Cannot bind to tcp://…}
	 */
	static ZmqException failure(int errno, String what) {
		return new ZmqException(error(errno), what, describe(errno), null);
	}

	/**
	 * Rethrow what a downcall threw: the handles throw only what the linker does.
	 */
	static RuntimeException rethrown(Throwable ex) {
		if (ex instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (ex instanceof Error error) {
			throw error;
		}
		throw new IllegalStateException("Calling libzmq failed", ex);
	}

}
