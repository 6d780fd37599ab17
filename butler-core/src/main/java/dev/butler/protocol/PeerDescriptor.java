package dev.butler.protocol;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.UUID;

/**
 * Identity of one running instance of a component: a time-based uid, the process id and the host.
 *
 * @param uid instance uid (UUID version 1, as Saturnin uses)
 * @param pid operating-system process id
 * @param host host name
 */
public record PeerDescriptor(UUID uid, long pid, String host) {

	public PeerDescriptor {
		Objects.requireNonNull(uid, "'uid' must not be null");
		Objects.requireNonNull(host, "'host' must not be null");
	}

	/**
	 * Create a descriptor for a new instance in this process.
	 * @return a peer descriptor with a fresh uid
	 */
	public static PeerDescriptor forThisProcess() {
		return new PeerDescriptor(Uuids.timeBased(), ProcessHandle.current().pid(), LocalHost.NAME);
	}

	/**
	 * The host name, looked up once: the JDK caches it only for seconds, and a lookup can be slow.
	 */
	private static final class LocalHost {

		static final String NAME = lookUp();

		private static String lookUp() {
			try {
				return InetAddress.getLocalHost().getHostName();
			}
			catch (UnknownHostException ex) {
				String name = ManagementFactory.getRuntimeMXBean().getName();
				int at = name.indexOf('@');
				return (at >= 0) ? name.substring(at + 1) : "localhost";
			}
		}

	}

}
