package dev.butler.actuate.info;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

import dev.butler.runtime.ServiceRuntime;

/**
 * Adds the ZeroMQ engine the services run on to {@code /actuator/info}: under {@code butler.zeromq},
 * its name ({@code butler.zmq.engine}), version and what {@code ipc://} addresses are.
 */
public final class ButlerInfoContributor implements InfoContributor {

	private final ServiceRuntime runtime;

	/**
	 * Create a contributor.
	 * @param runtime the runtime of the services
	 */
	public ButlerInfoContributor(ServiceRuntime runtime) {
		this.runtime = runtime;
	}

	@Override
	public void contribute(Info.Builder builder) {
		Map<String, Object> zeromq = new LinkedHashMap<>();
		zeromq.put("engine", this.runtime.zmq().engine().name());
		zeromq.put("version", this.runtime.zmq().engine().version());
		zeromq.put("ipc", this.runtime.ipc().name().toLowerCase(Locale.ROOT));
		builder.withDetail("butler", Map.of("zeromq", zeromq));
	}

}
