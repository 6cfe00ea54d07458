package dev.floe.raft.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KvBenchSettingsTest {

    @Test
    void defaultsAreThePeerbenchWorkload() {
        KvBenchSettings s = KvBenchSettings.parse(name -> null);
        assertThat(s.inFlights()).containsExactly(1, 32, 256);
        assertThat(s.valueSizes()).containsExactly(128);
        assertThat(s.members()).isEqualTo(3);
        assertThat(s.reads()).isEqualTo(KvBenchSettings.Reads.NONE);
        assertThat(s.warmupSec()).isEqualTo(5);
        assertThat(s.measureSec()).isEqualTo(10);
    }

    @Test
    void readsListsOfValueSizesAndInFlightsAndTheReadKind() {
        Map<String, String> given = Map.of("--value-size", "16,128, 1024,4096,65536", "--in-flight", "32,256",
                "--members", "7", "--reads", "LEASE");
        KvBenchSettings s = KvBenchSettings.parse(given::get);
        assertThat(s.valueSizes()).isEqualTo(List.of(16, 128, 1024, 4096, 65536));
        assertThat(s.inFlights()).isEqualTo(List.of(32, 256));
        assertThat(s.members()).isEqualTo(7);
        assertThat(s.reads()).isEqualTo(KvBenchSettings.Reads.LEASE);
    }

    @Test
    void refusesWhatItCannotRunNamingTheOption() {
        assertThatThrownBy(() -> KvBenchSettings.parse(Map.of("--members", "4")::get)).hasMessageContaining("--members");
        assertThatThrownBy(() -> KvBenchSettings.parse(Map.of("--reads", "stale")::get)).hasMessageContaining("--reads");
        assertThatThrownBy(() -> KvBenchSettings.parse(Map.of("--value-size", "0")::get)).hasMessageContaining("--value-size");
        assertThatThrownBy(() -> KvBenchSettings.parse(Map.of("--in-flight", "1,x")::get)).hasMessageContaining("--in-flight");
    }
}
