package dev.butler.service;

import java.util.UUID;

import org.springframework.util.StringUtils;

import dev.butler.protocol.AgentDescriptor;
import dev.butler.protocol.Uuids;
import dev.butler.protocol.VendorUids;

/**
 * The agent identity of a service, derived from its {@link ButlerService @ButlerService} as
 * Saturnin derives it: the one place that does.
 */
public final class AgentIdentity {

	private AgentIdentity() {
	}

	/**
	 * Describe the agent of a service.
	 * @param id the service id, the agent name when the annotation names none
	 * @param annotation the service's annotation
	 * @return the agent descriptor
	 * @throws IllegalStateException if {@code uid} or {@code vendor} is not a UUID
	 */
	public static AgentDescriptor of(String id, ButlerService annotation) {
		String name = StringUtils.hasText(annotation.name()) ? annotation.name() : id;
		UUID vendor = StringUtils.hasText(annotation.vendor()) ? parse(annotation.vendor(), "vendor", id)
				: VendorUids.BUTLER;
		return new AgentDescriptor(uid(id, annotation), name, annotation.version(), vendor,
				annotation.classification(), annotation.description());
	}

	/**
	 * Return the agent uid of a service: its {@code uid}, else {@code uuid5(NAMESPACE_OID, oid)},
	 * else {@code uuid5(NAMESPACE_OID, name)}.
	 * @param id the service id, the agent name when the annotation names none
	 * @param annotation the service's annotation
	 * @return the agent uid
	 * @throws IllegalStateException if {@code uid} is not a UUID
	 */
	public static UUID uid(String id, ButlerService annotation) {
		return uid(annotation.uid(), annotation.oid(), StringUtils.hasText(annotation.name()) ? annotation.name() : id,
				id);
	}

	/**
	 * Return the agent uid from the parts of an identity: {@code uid}, else
	 * {@code uuid5(NAMESPACE_OID, oid)}, else {@code uuid5(NAMESPACE_OID, name)}.
	 * @param uid the uid as a UUID string, empty for none
	 * @param oid the agent's ISO OID, empty for none
	 * @param name the agent name
	 * @param id the service id, for the message if {@code uid} is not a UUID
	 * @return the agent uid
	 * @throws IllegalStateException if {@code uid} is not a UUID
	 */
	public static UUID uid(String uid, String oid, String name, String id) {
		if (StringUtils.hasText(uid)) {
			return parse(uid, "uid", id);
		}
		return Uuids.fromOid(StringUtils.hasText(oid) ? oid : name);
	}

	private static UUID parse(String value, String attribute, String id) {
		try {
			return UUID.fromString(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(
					"@ButlerService(" + attribute + " = \"" + value + "\") of service '" + id + "' is not a UUID", ex);
		}
	}

}
