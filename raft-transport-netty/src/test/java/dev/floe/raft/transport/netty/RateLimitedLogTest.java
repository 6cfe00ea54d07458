package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
    private final AtomicLong clock = new AtomicLong();
    private final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class),
            Duration.ofSeconds(10), clock::get);

    @Test
    void oneLinePerSourcePerIntervalThenTheCountOfTheRest() {
        try (LogCapture logs = new LogCapture()) {
            assertThat(log.warn("10.0.0.1", "refused #1")).isTrue();
            assertThat(log.warn("10.0.0.1", "refused #2")).isFalse();
            assertThat(log.warn("10.0.0.1", "refused #3")).isFalse();
            assertThat(log.warn("10.0.0.2", "other source")).as("sources are limited separately").isTrue();
            clock.addAndGet(Duration.ofSeconds(10).toNanos());
            assertThat(log.warn("10.0.0.1", "refused #4")).isTrue();
            assertThat(log.warn("10.0.0.1", "refused #5")).isFalse();

            assertThat(logs.linesContaining("refused #")).hasSize(2);
            assertThat(logs.linesContaining("refused #1")).singleElement().asString().endsWith("refused #1");
            assertThat(logs.linesContaining("refused #4")).singleElement().asString()
                    .endsWith("refused #4 (and 2 more from 10.0.0.1 since the last line)");
        }
    }

    @Test
    void manySourcesShareOneLineBeyondTheTrackedMaximum() {
        try (LogCapture logs = new LogCapture()) {
            for (int i = 0; i < RateLimitedLog.MAX_SOURCES; i++) log.warn("s" + i, "flood " + i);
            assertThat(log.warn("one-too-many", "flood extra")).isTrue();
            assertThat(log.warn("and-another", "flood extra 2")).as("shares the 'other sources' line").isFalse();
            assertThat(logs.linesContaining("flood")).hasSize(RateLimitedLog.MAX_SOURCES + 1);
        }
    }
}
