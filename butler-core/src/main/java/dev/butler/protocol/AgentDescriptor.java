package dev.butler.protocol;

import java.util.Objects;
import java.util.UUID;

/**
 * Identity of a Butler agent (the implementation, not a running instance), as sent in
 * {@code firebird.butler.AgentIdentification}.
 *
 * @param uid agent uid, by convention {@code uuid5(NAMESPACE_OID, oid)}
 * @param name agent name
 * @param version agent version
 * @param vendor vendor uid
 * @param classification agent classification, e.g. {@code example/echo}
 * @param description human-readable description
 */
public record AgentDescriptor(UUID uid, String name, String version, UUID vendor, String classification,
		String description) {

	public AgentDescriptor {
		Objects.requireNonNull(uid, "'uid' must not be null");
		Objects.requireNonNull(name, "'name' must not be null");
		Objects.requireNonNull(version, "'version' must not be null");
		Objects.requireNonNull(vendor, "'vendor' must not be null");
		classification = (classification != null) ? classification : "";
		description = (description != null) ? description : "";
	}

}
