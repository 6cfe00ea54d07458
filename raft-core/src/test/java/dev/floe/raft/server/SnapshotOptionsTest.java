package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link SnapshotOptions}: the documented defaults, grouped setters, round trip, first bad option named. */
class SnapshotOptionsTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(SnapshotOptions.defaults()).isEqualTo(new SnapshotOptions(10_000, 64L << 20, 1_000, 1 << 20, 4,
                Duration.ofSeconds(1), Duration.ofSeconds(30)));
    }

    @Test
    void groupedSettersSetTheirOptionsAndTheRestKeepTheirValues() {
        SnapshotOptions o = SnapshotOptions.builder().triggers(20, 0, 5).transfer(64, 2)
                .timers(Duration.ofMillis(100), Duration.ofSeconds(10)).build();
        assertThat(o).isEqualTo(new SnapshotOptions(20, 0, 5, 64, 2, Duration.ofMillis(100), Duration.ofSeconds(10)));
        assertThat(o.toBuilder().build()).isEqualTo(o);
        assertThat(o.toBuilder().transfer(128, 3).build())
                .isEqualTo(new SnapshotOptions(20, 0, 5, 128, 3, Duration.ofMillis(100), Duration.ofSeconds(10)));
    }

    @Test
    void buildNamesTheInvalidOption() {
        assertThatThrownBy(() -> SnapshotOptions.builder().transfer(0, 4).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunkBytes");
        assertThatThrownBy(() -> SnapshotOptions.builder().timers(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retransmitAfter");
    }
}
