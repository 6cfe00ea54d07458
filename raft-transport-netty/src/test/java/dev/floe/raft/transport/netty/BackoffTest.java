package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofMillis(1000), 0.5);

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
        Backoff exact = new Backoff(Duration.ofMillis(5), Duration.ofMillis(100), 0);
        assertThat(exact.delayNanos(3, new SplittableRandom(3))).isEqualTo(Duration.ofMillis(20).toNanos());
    }

    @Test
    void invalidPoliciesAreRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
