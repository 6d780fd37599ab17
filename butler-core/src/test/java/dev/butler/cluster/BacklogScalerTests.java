package dev.butler.cluster;

import org.junit.jupiter.api.Test;

import dev.butler.cluster.BacklogScaler.ScaleSignal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link BacklogScaler}: signals with hysteresis between the water marks.
 */
class BacklogScalerTests {

	private final BacklogScaler scaler = new BacklogScaler(100, 10);

	@Test
	void idleGroupShouldNotBeAskedToShrink() {
		assertThat(this.scaler.decide(0)).isNull();
		assertThat(this.scaler.decide(10)).isNull();
	}

	@Test
	void backlogReachingTheHighMarkShouldAskForOneMoreInstanceOnce() {
		assertThat(this.scaler.decide(99)).isNull();
		assertThat(this.scaler.decide(100)).isEqualTo(ScaleSignal.UP);
		assertThat(this.scaler.decide(500)).isNull();
		assertThat(this.scaler.decide(100)).isNull();
	}

	@Test
	void backlogBetweenTheMarksShouldChangeNothing() {
		this.scaler.decide(150);
		assertThat(this.scaler.decide(50)).isNull();
		assertThat(this.scaler.decide(11)).isNull();
		assertThat(this.scaler.decide(99)).isNull();
	}

	@Test
	void backlogDrainedToTheLowMarkAfterAnUpShouldAskForOneFewerThenUpAgainOnlyAtTheHighMark() {
		this.scaler.decide(150);
		assertThat(this.scaler.decide(10)).isEqualTo(ScaleSignal.DOWN);
		assertThat(this.scaler.decide(0)).isNull();
		assertThat(this.scaler.decide(99)).isNull();
		assertThat(this.scaler.decide(100)).isEqualTo(ScaleSignal.UP);
	}

	@Test
	void marksOutOfOrderShouldBeRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BacklogScaler(10, 10))
			.withMessage("The low-water mark must be 0 or more and below the high-water mark, was 10 and 10");
		assertThatIllegalArgumentException().isThrownBy(() -> new BacklogScaler(10, -1));
	}

}
