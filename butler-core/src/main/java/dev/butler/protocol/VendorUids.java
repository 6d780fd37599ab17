package dev.butler.protocol;

import java.util.UUID;

/**
 * Vendor uids of agents: Saturnin's, for services compatible with its standard services, and this
 * library's, for services whose {@code @ButlerService} names no vendor.
 */
public final class VendorUids {

	/**
	 * Saturnin's {@code VENDOR_UID}, {@code uuid5(NAMESPACE_OID, "1.3.6.1.4.1.53446.1.3.0")}
	 * (firebird.butler.vendor.firebird), as a string for annotations.
	 */
	public static final String SATURNIN_UID = "a86ff2d2-73eb-593f-8b14-f2f7af0233d1";

	/** Saturnin's vendor uid. */
	public static final UUID SATURNIN = UUID.fromString(SATURNIN_UID);

	/** This library's vendor uid: {@code uuid5(NAMESPACE_OID, "dev.butler")}. */
	public static final UUID BUTLER = Uuids.nameBased(Uuids.NAMESPACE_OID, "dev.butler");

	/**
	 * OID arc of this library's own agents: the {@code 2.25} OID (ITU-T X.667) of {@link #BUTLER}. An
	 * agent's uid is {@code uuid5(NAMESPACE_OID, oid)}.
	 */
	public static final String BUTLER_OID = "2.25.339354196819942039350559520685174373007";

	private VendorUids() {
	}

}
