package dev.floe.raft.metrics.micrometer;

import dev.floe.raft.storage.FileLogStorage;
import dev.floe.raft.storage.LogStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/** The file log's counters as meters, read from {@link FileLogStorage#stats()} when scraped. */
final class StorageMeters {
    private StorageMeters() {
    }

    static void bind(MeterRegistry registry, Tags tags, FileLogStorage log) {
        counter(registry, tags, log, "floe.storage.writes", "positional writes of appended entries (batches)", LogStats::writes);
        counter(registry, tags, log, "floe.storage.entries.written", "entries appended", LogStats::entriesWritten);
        FunctionCounter.builder("floe.storage.written", log, l -> l.stats().bytesWritten()).baseUnit("bytes")
                .description("bytes of appended entries written").tags(tags).register(registry);
        FunctionTimer.builder("floe.storage.fsync", log, l -> l.stats().syncs(), l -> l.stats().syncNanos(), TimeUnit.NANOSECONDS)
                .description("forces of appended entries to disk").tags(tags).register(registry);
        Gauge.builder("floe.storage.batch.entries.mean", log, l -> {
            LogStats s = l.stats();
            return s.writes() == 0 ? 0 : (double) s.entriesWritten() / s.writes();
        }).description("mean entries per write since the log was opened").tags(tags).register(registry);
    }

    private static void counter(MeterRegistry registry, Tags tags, FileLogStorage log, String name, String description,
                                java.util.function.ToLongFunction<LogStats> value) {
        ToDoubleFunction<FileLogStorage> f = l -> value.applyAsLong(l.stats());
        FunctionCounter.builder(name, log, f).description(description).tags(tags).register(registry);
    }
}
