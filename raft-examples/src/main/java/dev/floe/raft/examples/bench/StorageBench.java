package dev.floe.raft.examples.bench;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.storage.FileLogStorage;
import dev.floe.raft.storage.LogStats;
import dev.floe.raft.storage.StorageOptions;
import dev.floe.raft.storage.SyncPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Measures {@link FileLogStorage} against the disk it runs on, in one run:
 * <ol>
 *   <li>raw baseline: write N bytes and {@code FileChannel.force(false)} in a loop, for N = the
 *       on-disk size of 1, 16 and 256 entries of 128 bytes, in rounds alternating with the log's
 *       (a shared virtual disk drifts a lot; medians of the rounds are reported);</li>
 *   <li>the log appending 128-byte entries in batches of 1, 16 and 256, each append waiting for
 *       the previous one's future, and batches of 1 with 64 appends in flight (group commit);</li>
 *   <li>the time to open a log of one million 128-byte entries.</li>
 * </ol>
 * Usage: {@code StorageBench [dir] [seconds per case]}; the directory defaults to
 * {@code ./floe-bench} and is deleted afterwards.
 */
public final class StorageBench {
    private static final int PAYLOAD = 128;
    private static final int RECORD = PAYLOAD + 25;

    private StorageBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "floe-bench").toAbsolutePath();
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        Files.createDirectories(root);
        try {
            System.out.printf("StorageBench in %s, %.1f s per case, %d-byte entries (%d bytes on disk)%n%n", root, seconds, PAYLOAD, RECORD);
            System.out.printf("%-34s %12s %10s %10s%n", "case", "entries/s", "MB/s disk", "fsyncs/s");
            int[] batches = {1, 16, 256};
            double[][] ratios = new double[batches.length][];
            for (int i = 0; i < batches.length; i++) ratios[i] = compare(root, batches[i], seconds);
            logPipelined(root, 1, 64, seconds);
            logPipelined(root, 16, 16, seconds);
            System.out.println();
            System.out.printf("batch 1:   log fsyncs/s = %.0f%% of raw (target >= 80%%)%n", 100 * ratios[0][0]);
            System.out.printf("batch 256: log MB/s     = %.0f%% of raw (target >= 80%%)%n", 100 * ratios[2][1]);
            System.out.println();
            openMillion(root);
        } finally {
            deleteTree(root);
        }
    }

    /**
     * Raw baseline and log for one batch size, in alternating short rounds so that the drift of a
     * shared virtual disk hits both alike; prints the medians and returns the log/raw ratios of
     * fsyncs/s and MB/s.
     */
    private static double[] compare(Path root, int batch, double seconds) throws Exception {
        int rounds = 5;
        double slice = seconds / rounds;
        Rate[] raw = new Rate[rounds];
        Rate[] log = new Rate[rounds];
        Path dir = root.resolve("log-" + batch);
        try (FileLogStorage storage = FileLogStorage.open(dir, StorageOptions.defaults())) {
            long[] next = {1};
            for (int r = 0; r < rounds; r++) {
                raw[r] = rawBaseline(root, batch, slice);
                log[r] = logSequential(storage, next, batch, slice);
            }
        } finally {
            deleteTree(dir);
        }
        Rate rawMedian = Rate.median(raw);
        Rate logMedian = Rate.median(log);
        rawMedian.print("raw write+force, " + batch * RECORD + " B");
        logMedian.print("log, batch " + batch);
        return new double[] {logMedian.syncsPerSecond / rawMedian.syncsPerSecond, logMedian.mbPerSecond / rawMedian.mbPerSecond};
    }

    private static Rate rawBaseline(Path root, int entries, double seconds) throws IOException {
        Path file = root.resolve("raw-" + entries);
        ByteBuffer buffer = ByteBuffer.allocateDirect(entries * RECORD);
        long syncs = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long position = 0;
            while (System.nanoTime() < end) {
                buffer.clear();
                while (buffer.hasRemaining()) position += channel.write(buffer, position);
                channel.force(false);
                syncs++;
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Files.delete(file);
        return new Rate(syncs * entries / elapsed, syncs * (long) entries * RECORD / elapsed / 1e6, syncs / elapsed);
    }

    private static Rate logSequential(FileLogStorage log, long[] next, int batch, double seconds) throws Exception {
        LogStats before = log.stats();
        long first = next[0];
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            log.append(batch(next[0], batch)).get(30, TimeUnit.SECONDS);
            next[0] += batch;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        LogStats after = log.stats();
        // MB/s counts bytes on disk (records), like the raw baseline; payload MB/s is 128/153 of it.
        return new Rate((next[0] - first) / elapsed, (after.bytesWritten() - before.bytesWritten()) / elapsed / 1e6,
                (after.syncs() - before.syncs()) / elapsed);
    }

    /** Throughput of one measurement. */
    private record Rate(double entriesPerSecond, double mbPerSecond, double syncsPerSecond) {
        static Rate median(Rate[] rates) {
            Rate[] sorted = rates.clone();
            java.util.Arrays.sort(sorted, Comparator.comparingDouble(Rate::entriesPerSecond));
            return sorted[sorted.length / 2];
        }

        void print(String name) {
            System.out.printf("%-34s %12.0f %10.2f %10.0f%n", name, entriesPerSecond, mbPerSecond, syncsPerSecond);
        }
    }

    private static void logPipelined(Path root, int batch, int inFlight, double seconds) throws Exception {
        Path dir = root.resolve("pipe-" + batch);
        try (FileLogStorage log = FileLogStorage.open(dir, StorageOptions.defaults())) {
            Semaphore window = new Semaphore(inFlight);
            long next = 1;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
            while (System.nanoTime() < end) {
                window.acquire();
                last = log.append(batch(next, batch));
                last.whenComplete((ok, error) -> window.release());
                next += batch;
            }
            last.get(30, TimeUnit.SECONDS);
            double elapsed = (System.nanoTime() - start) / 1e9;
            new Rate((next - 1) / elapsed, log.stats().bytesWritten() / elapsed / 1e6, log.stats().syncs() / elapsed)
                    .print("log, batch " + batch + ", " + inFlight + " in flight");
        } finally {
            deleteTree(dir);
        }
    }

    private static void openMillion(Path root) throws Exception {
        Path dir = root.resolve("million");
        int total = 1_000_000;
        StorageOptions build = StorageOptions.builder().syncPolicy(SyncPolicy.NONE).build();
        try (FileLogStorage log = FileLogStorage.open(dir, build)) {
            CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
            for (long next = 1; next <= total; next += 1000) last = log.append(batch(next, 1000));
            last.get(120, TimeUnit.SECONDS);
        }
        long bytes;
        try (Stream<Path> files = Files.list(dir)) {
            bytes = files.mapToLong(p -> p.toFile().length()).sum();
        }
        for (int run = 1; run <= 2; run++) {
            long start = System.nanoTime();
            try (FileLogStorage log = FileLogStorage.open(dir, StorageOptions.defaults())) {
                double ms = (System.nanoTime() - start) / 1e6;
                System.out.printf("open of %,d entries (%.0f MB, %d segments), run %d: %.0f ms = %.2f s per GB%n",
                        log.lastIndex(), bytes / 1e6, log.recoveryReport().segments(), run, ms, ms / 1000 / (bytes / 1e9));
            }
        }
        deleteTree(dir);
    }

    private static List<Entry> batch(long first, int count) {
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] payload = new byte[PAYLOAD];
            payload[0] = (byte) (first + i);
            entries.add(Entry.command(1, first + i, Bytes.wrap(payload)));
        }
        return entries;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
