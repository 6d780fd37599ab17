package dev.butler.ffm.syncfs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The functions of the C library that {@link SyncFs} calls, linked once when its class is first
 * used. {@code errno} is captured right after each call, before the JVM can change it.
 */
final class LibC {

	private static final int O_RDONLY = 0;

	private static final int O_CLOEXEC = 02000000;

	/** {@code O_DIRECTORY}, whose value differs between architectures. */
	private static final int O_DIRECTORY = switch (System.getProperty("os.arch", "")) {
		case "amd64", "x86_64" -> 0200000;
		case "aarch64" -> 040000;
		default -> throw new UnsupportedOperationException(
				"syncfs(2) is called on x86-64 and AArch64 only, this is " + System.getProperty("os.arch"));
	};

	private static final int EINTR = 4;

	private static final int ENOENT = 2;

	private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();

	private static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));

	private static final MethodHandle OPEN;

	private static final MethodHandle SYNCFS;

	private static final MethodHandle CLOSE;

	private static final MethodHandle STRERROR;

	static {
		Linker linker = Linker.nativeLinker();
		SymbolLookup libc = linker.defaultLookup();
		Linker.Option errno = Linker.Option.captureCallState("errno");
		// int open(const char *path, int flags, ...): called without the variadic mode.
		OPEN = linker.downcallHandle(find(libc, "open"),
				FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), errno,
				Linker.Option.firstVariadicArg(2));
		SYNCFS = linker.downcallHandle(find(libc, "syncfs"),
				FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), errno);
		CLOSE = linker.downcallHandle(find(libc, "close"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
		STRERROR = linker.downcallHandle(find(libc, "strerror"),
				FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
	}

	private LibC() {
	}

	private static MemorySegment find(SymbolLookup libc, String name) {
		return libc.find(name)
			.orElseThrow(() -> new UnsupportedOperationException("The C library has no function '" + name + "'"));
	}

	/**
	 * Link the functions, which loading this class does.
	 */
	static void link() {
	}

	/**
	 * Sync the file system that holds a directory.
	 * @param directory the directory
	 * @throws NoSuchFileException if there is no such directory
	 * @throws FileSystemException if it is not a directory, cannot be opened or its file system
	 * cannot be synced, with the error number and its text
	 */
	static void syncFileSystemOf(Path directory) throws IOException {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(CALL_STATE);
			MemorySegment path = arena.allocateFrom(directory.toString());
			int fd;
			do {
				fd = (int) OPEN.invokeExact(state, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			}
			while (fd < 0 && errno(state) == EINTR);
			if (fd < 0) {
				int error = errno(state);
				String reason = "cannot open the directory to sync its file system (syncfs): " + describe(error);
				throw (error == ENOENT) ? new NoSuchFileException(directory.toString(), null, reason)
						: new FileSystemException(directory.toString(), null, reason);
			}
			try {
				if ((int) SYNCFS.invokeExact(state, fd) != 0) {
					throw new FileSystemException(directory.toString(), null,
							"cannot sync the directory's file system (syncfs): " + describe(errno(state)));
				}
			}
			finally {
				int ignored = (int) CLOSE.invokeExact(fd);
			}
		}
		catch (IOException | RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Calling the C library failed", ex);
		}
	}

	private static int errno(MemorySegment state) {
		return (int) ERRNO.get(state, 0L);
	}

	/**
	 * Describe an error number as {@code errno 5 (Input/output error)}.
	 */
	static String describe(int errno) throws Throwable {
		MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
		String message = text.equals(MemorySegment.NULL) ? "unknown error" : text.reinterpret(Integer.MAX_VALUE).getString(0);
		return "errno " + errno + " (" + message + ")";
	}

}
