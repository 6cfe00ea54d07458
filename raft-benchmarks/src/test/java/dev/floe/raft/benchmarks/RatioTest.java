package dev.floe.raft.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RatioTest {

    @Test
    void relativeErrorsAddInQuadrature() {
        // 90 ± 9 (10 %) over 100 ± 0 keeps 10 %; over 100 ± 0 and 90 ± 0 over 100 ± 10 too: both together give sqrt(2) × 10 %.
        assertThat(Ratio.of(90, 9, 100, 0).error()).isCloseTo(0.09, within(1e-12));
        assertThat(Ratio.of(90, 0, 100, 10).error()).isCloseTo(0.09, within(1e-12));
        Ratio both = Ratio.of(90, 9, 100, 10);
        assertThat(both.value()).isCloseTo(0.9, within(1e-12));
        assertThat(both.error()).isCloseTo(0.9 * Math.sqrt(0.02), within(1e-12));
    }

    @Test
    void aTargetIsMetOnlyWhenTheWholeErrorBarReachesIt() {
        assertThat(new Ratio(0.95, 0.04).meets(0.90)).isTrue();
        assertThat(new Ratio(0.95, 0.06).meets(0.90)).isFalse();
    }

    @Test
    void refusesANonPositiveDenominator() {
        assertThatThrownBy(() -> Ratio.of(1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
