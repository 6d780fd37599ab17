package dev.butler.standard;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;

import dev.butler.protocol.Uuids;
import dev.butler.protocol.VendorUids;
import dev.butler.service.AgentIdentity;
import dev.butler.service.ButlerService;
import dev.butler.standard.binary.BinaryReaderService;
import dev.butler.standard.command.CommandService;
import dev.butler.standard.text.TextLineFilterService;
import dev.butler.standard.text.TextReaderService;
import dev.butler.standard.text.TextWriterService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the {@link StandardServices} catalog.
 */
class StandardServicesTests {

	@Test
	void vendorShouldBeSaturninsVendorUid() {
		assertThat(VendorUids.SATURNIN).isEqualTo(Uuids.fromOid("1.3.6.1.4.1.53446.1.3.0"));
	}

	@Test
	void findShouldAcceptTheAgentNameOrUidInAnyCase() {
		assertThat(StandardServices.find("saturnin.binary.reader")).contains(BinaryReaderService.class);
		assertThat(StandardServices.find("3DB461DE-F32E-5514-910D-7D021A2436A5")).contains(BinaryReaderService.class);
		assertThat(StandardServices.find("saturnin.text.reader")).contains(TextReaderService.class);
		assertThat(StandardServices.find("4E606FDF-3FA9-5D18-A714-9448A8085AAB")).contains(TextWriterService.class);
		assertThat(StandardServices.find("saturnin.binary")).isEmpty();
		assertThat(StandardServices.names()).contains("saturnin.binary.reader", "saturnin.binary.writer",
				"saturnin.text.reader", "saturnin.text.writer", "saturnin.text.linefilter");
	}

	@Test
	void textServicesShouldHaveSaturninsIdentity() {
		assertIdentity(TextReaderService.class, "saturnin.text.reader", "1.3.6.1.4.1.53446.1.1.0.3.1.1", "text/reader");
		assertIdentity(TextWriterService.class, "saturnin.text.writer", "1.3.6.1.4.1.53446.1.1.0.3.1.2", "text/writer");
		assertIdentity(TextLineFilterService.class, "saturnin.text.linefilter", "1.3.6.1.4.1.53446.1.1.0.3.1.3",
				"text/filter");
	}

	@Test
	void commandServiceShouldHaveThisProjectsIdentityUnderItsOid() {
		MergedAnnotation<ButlerService> annotation = MergedAnnotations.from(CommandService.class).get(ButlerService.class);
		assertThat(annotation.getString("name")).isEqualTo("butler.command");
		assertThat(AgentIdentity.uid("cmd", annotation.synthesize()))
			.isEqualTo(UUID.fromString("dba39530-9776-5ed7-bdcb-719716db1fec"))
			.isEqualTo(Uuids.fromOid(VendorUids.BUTLER_OID + ".2.1"));
		assertThat(StandardServices.find("butler.command")).contains(CommandService.class);
		assertThat(StandardServices.find("DBA39530-9776-5ED7-BDCB-719716DB1FEC")).contains(CommandService.class);
	}

	private static void assertIdentity(Class<?> service, String name, String oid, String classification) {
		MergedAnnotation<ButlerService> annotation = MergedAnnotations.from(service).get(ButlerService.class);
		assertThat(annotation.getString("name")).isEqualTo(name);
		assertThat(UUID.fromString(annotation.getString("uid"))).as(name).isEqualTo(Uuids.fromOid(oid));
		assertThat(UUID.fromString(annotation.getString("vendor"))).isEqualTo(VendorUids.SATURNIN);
		assertThat(annotation.getString("classification")).isEqualTo(classification);
		assertThat(annotation.getString("version")).isEqualTo("0.2.1");
		assertThat(annotation.getString("id")).as("no id: the agent property chooses it").isEmpty();
		assertThat(StandardServices.all()).anyMatch(service::equals);
	}

}
