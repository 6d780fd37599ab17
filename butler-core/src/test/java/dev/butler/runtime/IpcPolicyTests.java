package dev.butler.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class IpcPolicyTests {

	@Test
	void ipcSchemeShouldBeRecognisedInAnyCaseAsJeroMqReadsIt() {
		assertThat(IpcPolicy.isIpc("ipc:///tmp/feed")).isTrue();
		assertThat(IpcPolicy.isIpc("IPC://feed")).isTrue();
		assertThat(IpcPolicy.isIpc(" ipc://feed")).isTrue();
		assertThat(IpcPolicy.isIpc("tcp://127.0.0.1:5700")).isFalse();
		assertThat(IpcPolicy.isIpc("inproc://ipc://x")).isFalse();
		assertThat(IpcPolicy.isIpc("ipc:")).isFalse();
		assertThat(IpcPolicy.isIpc(null)).isFalse();
	}

	@Test
	void rejectShouldNameThePropertyAndTheAddress() {
		assertThatExceptionOfType(UnsupportedTransportException.class)
			.isThrownBy(() -> IpcPolicy.REJECT.checkProperty("butler.services.writer.pipe-address", "ipc://feed"))
			.withMessage("Invalid value 'ipc://feed' for property 'butler.services.writer.pipe-address': "
					+ IpcPolicy.IPC_NOT_SUPPORTED)
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("butler.services.writer.pipe-address");
				assertThat(ex.getAddress()).isEqualTo("ipc://feed");
			});
	}

	@Test
	void rejectAtASocketShouldSayWhoUsesTheAddress() {
		assertThatExceptionOfType(UnsupportedTransportException.class)
			.isThrownBy(
					() -> IpcPolicy.REJECT.checkSocket("ipc://feed", "Channel 'pipe' of service 'writer' cannot bind"))
			.withMessage("Channel 'pipe' of service 'writer' cannot bind ipc://feed: " + IpcPolicy.IPC_NOT_SUPPORTED)
			.satisfies((ex) -> assertThat(ex.getProperty()).isNull());
	}

	@Test
	void rejectShouldLetOtherTransportsAndMissingAddressesPass() {
		assertThatNoException().isThrownBy(() -> {
			IpcPolicy.REJECT.checkProperty("p", "tcp://127.0.0.1:5700");
			IpcPolicy.REJECT.checkProperty("p", "inproc://feed");
			IpcPolicy.REJECT.checkProperty("p", null);
			IpcPolicy.REJECT.checkSocket("tcp://127.0.0.1:*", "x");
		});
	}

	@Test
	void emulateShouldLetIpcAddressesPass() {
		assertThatNoException().isThrownBy(() -> {
			IpcPolicy.EMULATE.checkProperty("p", "ipc://feed");
			IpcPolicy.EMULATE.checkSocket("ipc://feed", "x");
			IpcPolicy.EMULATE.checkOptions(new Options("ipc://feed", "ipc://other", 1), (option) -> option);
		});
	}

	@Test
	void checkOptionsShouldNameTheDashedPropertyOfTheFirstIpcComponent() {
		assertThatExceptionOfType(UnsupportedTransportException.class)
			.isThrownBy(() -> IpcPolicy.REJECT.checkOptions(new Options("tcp://127.0.0.1:1", "ipc://feed", 1),
					(option) -> "butler.services.filter." + option))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("butler.services.filter.output-pipe-address"));
	}

	@Test
	void checkOptionsShouldIgnoreWhatIsNotARecord() {
		assertThatNoException().isThrownBy(() -> {
			IpcPolicy.REJECT.checkOptions(null, (option) -> option);
			IpcPolicy.REJECT.checkOptions("ipc://feed", (option) -> option);
		});
	}

	private record Options(String inputPipeAddress, String outputPipeAddress, int batchSize) {

	}

}
