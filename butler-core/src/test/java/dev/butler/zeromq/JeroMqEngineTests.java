package dev.butler.zeromq;

import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The engine contract on JeroMQ, and the choice of engines on this JVM.
 */
class JeroMqEngineTests extends ZmqEngineContract {

	@Override
	protected ZmqEngine engine() {
		return JeroMqEngine.INSTANCE;
	}

	@Test
	void jeromqShouldBeChosenByNameAndHaveNoRealIpc() {
		ZmqEngine engine = ZmqEngines.select("JeroMQ");
		assertThat(engine).isSameAs(JeroMqEngine.INSTANCE);
		assertThat(engine.name()).isEqualTo("jeromq");
		assertThat(engine.version()).startsWith("JeroMQ ");
		assertThat(engine.realIpc()).isFalse();
	}

	@Test
	void autoShouldChooseJeromqWhenNoOtherEngineIsProvided() {
		assertThat(ZmqEngines.select("auto")).isSameAs(JeroMqEngine.INSTANCE);
	}

	@Test
	void unknownEngineShouldBeRefusedNamingTheUsableOnes() {
		assertThatIllegalArgumentException().isThrownBy(() -> ZmqEngines.select("zeromq-rs"))
			.withMessageContaining("'zeromq-rs'")
			.withMessageContaining("auto, jeromq");
	}

}
