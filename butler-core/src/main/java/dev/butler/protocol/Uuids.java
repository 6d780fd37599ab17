package dev.butler.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UUID helpers for the identifiers Firebird Butler uses: name-based version 5 uids for agents and
 * time-based version 1 uids for peers.
 */
public final class Uuids {

	/** The RFC 4122 namespace for ISO OIDs, used by Saturnin for agent and vendor uids. */
	public static final UUID NAMESPACE_OID = UUID.fromString("6ba7b812-9dad-11d1-80b4-00c04fd430c8");

	private static final long GREGORIAN_OFFSET = 0x01B21DD213814000L;

	private static final AtomicLong lastTimestamp = new AtomicLong();

	private static final long clockSequenceAndNode = initClockSequenceAndNode();

	private Uuids() {
	}

	/**
	 * Return {@code uuid5(NAMESPACE_OID, oid)}, the uid Saturnin derives from an OID.
	 * @param oid the object identifier, e.g. {@code 1.3.6.1.4.1.53446.1.2.0.3.1}
	 * @return the name-based UUID
	 */
	public static UUID fromOid(String oid) {
		return nameBased(NAMESPACE_OID, oid);
	}

	/**
	 * Return a name-based (version 5, SHA-1) UUID.
	 * @param namespace the namespace UUID
	 * @param name the name
	 * @return the UUID
	 */
	public static UUID nameBased(UUID namespace, String name) {
		try {
			MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
			sha1.update(toBytes(namespace));
			sha1.update(name.getBytes(StandardCharsets.UTF_8));
			byte[] hash = sha1.digest();
			hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
			hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
			ByteBuffer buffer = ByteBuffer.wrap(hash, 0, 16);
			return new UUID(buffer.getLong(), buffer.getLong());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is not available", ex);
		}
	}

	/**
	 * Return a new time-based (version 1) UUID with a random node, unique within this process.
	 * @return the UUID
	 */
	public static UUID timeBased() {
		long now = System.currentTimeMillis() * 10_000 + GREGORIAN_OFFSET;
		long timestamp = lastTimestamp.updateAndGet((last) -> Math.max(last + 1, now));
		long mostSignificant = ((timestamp & 0xFFFFFFFFL) << 32) | (((timestamp >>> 32) & 0xFFFFL) << 16) | 0x1000L
				| ((timestamp >>> 48) & 0x0FFFL);
		return new UUID(mostSignificant, clockSequenceAndNode);
	}

	/**
	 * Return the 16 bytes of a UUID in network order, as protobuf {@code bytes uid} fields carry them.
	 * @param uuid the UUID
	 * @return 16 bytes
	 */
	public static byte[] toBytes(UUID uuid) {
		return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits())
			.array();
	}

	/**
	 * Read a UUID from 16 bytes in network order.
	 * @param bytes the bytes
	 * @return the UUID
	 * @throws IllegalArgumentException if there are not exactly 16 bytes
	 */
	public static UUID fromBytes(byte[] bytes) {
		if (bytes.length != 16) {
			throw new IllegalArgumentException("A uid has 16 bytes, got " + bytes.length);
		}
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		return new UUID(buffer.getLong(), buffer.getLong());
	}

	private static long initClockSequenceAndNode() {
		SecureRandom random = new SecureRandom();
		long clockSequence = random.nextInt(0x4000);
		long node = random.nextLong() & 0xFFFFFFFFFFFFL;
		node |= 0x010000000000L; // multicast bit: a random node, not a MAC address
		return (0x8000L | clockSequence) << 48 | node;
	}

}
