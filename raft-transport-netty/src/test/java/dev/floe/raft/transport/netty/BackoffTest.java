package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = Backoff.builder().delays(Duration.ofMillis(10), Duration.ofMillis(1000)).build();

    @Test
    void delaysDoubleUpToTheCapWithinTheJitterBand() {
        SplittableRandom random = new SplittableRandom(7);
        long[] expectedBase = {10, 20, 40, 80, 160, 320, 640, 1000, 1000};
        for (int failures = 1; failures <= expectedBase.length; failures++) {
            long base = Duration.ofMillis(expectedBase[failures - 1]).toNanos();
            for (int i = 0; i < 100; i++) {
                long delay = backoff.delayNanos(failures, random);
                assertThat(delay).as("failures=%d", failures).isBetween(base / 2, base);
            }
        }
    }

    @Test
    void hugeFailureCountsStayAtTheCap() {
        long delay = backoff.delayNanos(Integer.MAX_VALUE, new SplittableRandom(1));
        assertThat(delay).isBetween(Duration.ofMillis(500).toNanos(), Duration.ofMillis(1000).toNanos());
    }

    @Test
    void zeroJitterIsDeterministic() {
        Backoff exact = Backoff.builder().delays(Duration.ofMillis(5), Duration.ofMillis(100)).jitter(0).build();
        assertThat(exact.delayNanos(3, new SplittableRandom(3))).isEqualTo(Duration.ofMillis(20).toNanos());
    }

    @Test
    void invalidPoliciesAreRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void buildersStartFromTheDocumentedDefaultsAndRoundTrip() {
        assertThat(Backoff.defaults()).isEqualTo(new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), 0.5));
        assertThat(backoff.toBuilder().build()).isEqualTo(backoff);
        assertThatThrownBy(() -> Backoff.builder().jitter(2).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jitter");
        assertThat(InboundLimits.defaults()).isEqualTo(new InboundLimits(4 * 1024, 16, 128, 64L << 20));
        InboundLimits tight = InboundLimits.builder().untrusted(2, 3).bufferBytes(1 << 20).build();
        assertThat(tight.toBuilder().build()).isEqualTo(tight);
        assertThatThrownBy(() -> InboundLimits.builder().untrusted(4, 3).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("untrustedTotal");
    }
}
