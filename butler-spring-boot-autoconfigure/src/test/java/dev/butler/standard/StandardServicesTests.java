package dev.butler.standard;

import org.junit.jupiter.api.Test;

import dev.butler.base.Uuids;
import dev.butler.standard.binary.BinaryReaderService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the {@link StandardServices} catalog.
 */
class StandardServicesTests {

	@Test
	void vendorShouldBeSaturninsVendorUid() {
		assertThat(StandardServices.SATURNIN_VENDOR).isEqualTo(Uuids.fromOid("1.3.6.1.4.1.53446.1.3.0"));
	}

	@Test
	void findShouldAcceptTheAgentNameOrUidInAnyCase() {
		assertThat(StandardServices.find("saturnin.binary.reader")).contains(BinaryReaderService.class);
		assertThat(StandardServices.find("3DB461DE-F32E-5514-910D-7D021A2436A5")).contains(BinaryReaderService.class);
		assertThat(StandardServices.find("saturnin.binary")).isEmpty();
		assertThat(StandardServices.names()).contains("saturnin.binary.reader", "saturnin.binary.writer");
	}

}
