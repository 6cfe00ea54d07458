package dev.floe.raft.benchmarks.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonLineTest {

    @Test
    void readsTheBenchLinesStringsNumbersAndBooleans() {
        JsonLine line = JsonLine.parse("{\"system\":\"floe\",\"in_flight\":256,\"p50_us\":1968.5,\"met\":true,\"load_avg\":\"1.02 0.80 0.50\"}");
        assertThat(line.string("system")).contains("floe");
        assertThat(line.number("in_flight")).contains(256.0);
        assertThat(line.number("p50_us", 0)).isEqualTo(1968.5);
        assertThat(line.string("met")).contains("true");
        assertThat(line.string("load_avg")).contains("1.02 0.80 0.50");
        assertThat(line.number("members", 3)).as("absent field").isEqualTo(3);
    }

    @Test
    void refusesWhatIsNotAFlatObjectQuotingTheLine() {
        assertThatThrownBy(() -> JsonLine.parse("{\"a\":{\"b\":1}}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"b\"");
        assertThatThrownBy(() -> JsonLine.parse("[1,2]")).isInstanceOf(IllegalArgumentException.class);
    }
}
