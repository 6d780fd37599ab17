package dev.butler.ffm.syncfs;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.butler.queue.FileSystemSync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SyncFsTests {

	@TempDir
	Path temp;

	@Test
	void theFileSystemSyncOfThisJvmShouldBeSyncFs() {
		System.out.println("Tests run on Java " + Runtime.version());
		assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(22);
		assertThat(FileSystemSync.available()).isInstanceOf(SyncFs.class);
		assertThat(FileSystemSync.available().name()).isEqualTo("syncfs");
	}

	@Test
	void syncOfADirectoryShouldSucceed() throws IOException {
		Path file = Files.writeString(this.temp.resolve("written"), "x");
		new SyncFs().sync(this.temp);
		assertThat(file).hasContent("x");
	}

	@Test
	void syncOfAMissingDirectoryShouldFailNamingItAndTheError() {
		Path missing = this.temp.resolve("missing");
		assertThatExceptionOfType(NoSuchFileException.class).isThrownBy(() -> new SyncFs().sync(missing))
			.withMessage(missing + ": cannot open the directory to sync its file system (syncfs): errno 2 (No such file or directory)");
	}

	@Test
	void syncOfAFileShouldFailNamingItAndTheError() throws IOException {
		Path file = Files.writeString(this.temp.resolve("file"), "x");
		assertThatExceptionOfType(FileSystemException.class).isThrownBy(() -> new SyncFs().sync(file))
			.withMessage(file + ": cannot open the directory to sync its file system (syncfs): errno 20 (Not a directory)");
	}

}
