package dev.floe.raft.benchmarks.storage;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.storage.FileLogStorage;
import dev.floe.raft.storage.StorageOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The durable log's sequential append against the disk it runs on. One operation of {@link #log}
 * appends {@code batch} entries of {@code payloadBytes} to a {@link FileLogStorage} with the
 * default options (fsync on) and waits for the append's future; one operation of {@link #rawDisk}
 * writes the same number of bytes at the end of a plain file and calls
 * {@code FileChannel.force(false)} (what the log does underneath, minus everything else). Both do
 * one fsync per operation and write the same bytes, so the ratio of their scores is both the
 * fsyncs/s ratio (the target at batch 1) and the MB/s ratio (the target at batch 256).
 *
 * <p>The files live under {@code -Dfloe.bench.dir} (default {@code java.io.tmpdir}) and are
 * deleted after each trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class LogAppendBenchmark {
    private static final long TERM = 1;

    @Param({"1", "256"})
    public int batch;

    @Param({"128"})
    public int payloadBytes;

    private Path dir;
    private FileLogStorage log;
    private Bytes payload;
    private long next;
    private FileChannel raw;
    private ByteBuffer rawBatch;
    private long rawPosition;

    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = Files.createTempDirectory(Path.of(System.getProperty("floe.bench.dir", System.getProperty("java.io.tmpdir"))),
                "floe-log-bench-");
        log = FileLogStorage.open(dir.resolve("log"), StorageOptions.defaults());
        byte[] bytes = new byte[payloadBytes];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 31 + 7);
        payload = Bytes.wrap(bytes);
        next = 1;
        // The raw side writes exactly what one batch costs the log on disk (records with their headers).
        long before = log.stats().bytesWritten();
        log.append(batch(batch)).get(30, TimeUnit.SECONDS);
        long batchBytes = log.stats().bytesWritten() - before;
        rawBatch = ByteBuffer.allocateDirect(Math.toIntExact(batchBytes));
        while (rawBatch.hasRemaining()) rawBatch.put((byte) 7);
        raw = FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        rawPosition = 0;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            if (log != null) log.close();
            if (raw != null) raw.close();
        } finally {
            deleteTree(dir);
        }
    }

    /** Appends one batch through the log and waits until it is durable. */
    @Benchmark
    public void log() throws Exception {
        log.append(batch(batch)).get(30, TimeUnit.SECONDS);
    }

    /** Writes the same bytes at the end of a plain file and forces them: the disk's own rate. */
    @Benchmark
    public void rawDisk() throws IOException {
        rawBatch.clear();
        while (rawBatch.hasRemaining()) rawPosition += raw.write(rawBatch, rawPosition);
        raw.force(false);
    }

    private List<Entry> batch(int count) {
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) entries.add(Entry.command(TERM, next++, payload));
        return entries;
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
