package dev.butler.protocol;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Uuids}. Expected name-based values come from Python's
 * {@code uuid.uuid5(uuid.NAMESPACE_OID, oid)}, as Saturnin computes them.
 */
class UuidsTests {

	private static final long GREGORIAN_TO_UNIX_100NS = 0x01B21DD213814000L;

	@Test
	void fromOidShouldMatchPythonUuid5() {
		assertThat(Uuids.fromOid("1.3.6.1.4.1.53446.1.2.0.3.1"))
			.isEqualTo(UUID.fromString("9b2270c8-53e2-5081-bb23-489d827aa93c"));
		assertThat(Uuids.fromOid("1.3.6.1.4.1.53446.1.2.0"))
			.isEqualTo(UUID.fromString("c26a6600-d579-5ec7-a9d6-5b0a8b214d3f"));
	}

	@Test
	void fromOidShouldBeVersion5() {
		UUID uid = Uuids.fromOid("1.3.6.1.4.1.53446.1.3.0");
		assertThat(uid.version()).isEqualTo(5);
		assertThat(uid.variant()).isEqualTo(2);
	}

	@Test
	void timeBasedShouldBeVersion1WithCurrentTimestamp() {
		long before = System.currentTimeMillis();
		UUID uid = Uuids.timeBased();
		long after = System.currentTimeMillis();
		assertThat(uid.version()).isEqualTo(1);
		assertThat(uid.variant()).isEqualTo(2);
		long millis = (uid.timestamp() - GREGORIAN_TO_UNIX_100NS) / 10_000;
		assertThat(millis).isBetween(before, after + 1);
	}

	@Test
	void timeBasedShouldBeUnique() {
		Set<UUID> uids = new HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			uids.add(Uuids.timeBased());
		}
		assertThat(uids).hasSize(10_000);
	}

	@Test
	void bytesShouldRoundTripInNetworkOrder() {
		UUID uid = UUID.fromString("12345678-1234-11ef-8000-0123456789ab");
		byte[] bytes = Uuids.toBytes(uid);
		assertThat(bytes).containsExactly(0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x11, 0xef, 0x80, 0x00, 0x01, 0x23, 0x45,
				0x67, 0x89, 0xab);
		assertThat(Uuids.fromBytes(bytes)).isEqualTo(uid);
	}

	@Test
	void fromBytesShouldRejectWrongLength() {
		assertThatIllegalArgumentException().isThrownBy(() -> Uuids.fromBytes(new byte[15]))
			.withMessage("A uid has 16 bytes, got 15");
	}

}
