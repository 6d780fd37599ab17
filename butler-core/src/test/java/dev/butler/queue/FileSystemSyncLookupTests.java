package dev.butler.queue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link FileSystemSyncLookup} with class loaders that offer implementations: it looks them up on
 * Java 22 and later only, and falls back to the per-file sync when one cannot be used.
 */
class FileSystemSyncLookupTests {

	private static final String SERVICES = "META-INF/services/" + FileSystemSync.class.getName();

	@TempDir
	Path temp;

	@Test
	void onJava17TheLookupShouldFallBackWithoutAskingForAnyImplementation() throws IOException {
		int instances = Recording.instances.get();
		try (RecordingLoader loader = new RecordingLoader(offering(Recording.class.getName()))) {
			assertThat(FileSystemSyncLookup.find(17, loader)).isSameAs(FileSystemSync.perFile());
			assertThat(loader.requested).isEmpty();
		}
		assertThat(Recording.instances).hasValue(instances);
	}

	@Test
	void onJava22TheLookupShouldFindAnImplementation() throws IOException {
		try (RecordingLoader loader = new RecordingLoader(offering(Recording.class.getName()))) {
			FileSystemSync found = FileSystemSyncLookup.find(22, loader);
			assertThat(found).isInstanceOf(Recording.class);
			assertThat(found.name()).isEqualTo("recording");
			assertThat(loader.requested).contains(SERVICES);
		}
	}

	@Test
	void anImplementationCompiledForANewerJavaShouldFallBack() throws IOException {
		Path classes = offering(Recording.class.getName());
		String file = Recording.class.getName().replace('.', '/') + ".class";
		byte[] bytes;
		try (InputStream in = getClass().getClassLoader().getResourceAsStream(file)) {
			bytes = in.readAllBytes();
		}
		// The major version of the class file (bytes 6-7), far beyond this JVM's.
		bytes[6] = 0;
		bytes[7] = (byte) 0xFF;
		Files.createDirectories(classes.resolve(file).getParent());
		Files.write(classes.resolve(file), bytes);
		// Without a parent that knows it, the class is read from the patched file.
		try (URLClassLoader loader = new URLClassLoader(new URL[] { classes.toUri().toURL() },
				ClassLoader.getPlatformClassLoader())) {
			assertThatExceptionOfType(UnsupportedClassVersionError.class)
				.isThrownBy(() -> Class.forName(Recording.class.getName(), false, loader));
			assertThat(FileSystemSyncLookup.find(25, loader)).isSameAs(FileSystemSync.perFile());
		}
	}

	@Test
	void anImplementationThatRefusesThisMachineShouldFallBack() throws IOException {
		try (RecordingLoader loader = new RecordingLoader(offering(Refusing.class.getName()))) {
			assertThat(FileSystemSyncLookup.find(25, loader)).isSameAs(FileSystemSync.perFile());
		}
	}

	@Test
	void withoutAnImplementationTheLookupShouldFallBack() throws IOException {
		try (RecordingLoader loader = new RecordingLoader(Files.createDirectories(this.temp.resolve("empty")))) {
			assertThat(FileSystemSyncLookup.find(25, loader)).isSameAs(FileSystemSync.perFile());
		}
	}

	@Test
	void queuesOfThisJvmShouldSyncEachFileOfAGroup() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		assertThat(queue.fileSystemSync()).isSameAs(FileSystemSync.perFile());
		assertThat(queue.fileSystemSync().name()).isEqualTo("fsync");
	}

	private Path offering(String implementation) throws IOException {
		Path classes = Files.createDirectories(this.temp.resolve("classes"));
		Path services = classes.resolve(SERVICES);
		Files.createDirectories(services.getParent());
		Files.writeString(services, implementation + "\n");
		return classes;
	}

	/**
	 * A class loader over a directory that records every resource and class asked of it.
	 */
	static final class RecordingLoader extends URLClassLoader {

		final List<String> requested = new ArrayList<>();

		RecordingLoader(Path classes) throws IOException {
			super(new URL[] { classes.toUri().toURL() }, FileSystemSyncLookupTests.class.getClassLoader());
		}

		@Override
		public Enumeration<URL> getResources(String name) throws IOException {
			this.requested.add(name);
			return super.getResources(name);
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			this.requested.add(name);
			return super.loadClass(name, resolve);
		}

	}

	public static final class Recording implements FileSystemSync {

		static final AtomicInteger instances = new AtomicInteger();

		public Recording() {
			instances.incrementAndGet();
		}

		@Override
		public String name() {
			return "recording";
		}

		@Override
		public void sync(Path directory) {
		}

	}

	public static final class Refusing implements FileSystemSync {

		public Refusing() {
			throw new UnsupportedOperationException("not on this machine");
		}

		@Override
		public String name() {
			return "refusing";
		}

		@Override
		public void sync(Path directory) {
		}

	}

}
