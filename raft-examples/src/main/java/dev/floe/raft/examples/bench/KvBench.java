package dev.floe.raft.examples.bench;

import dev.floe.raft.Bytes;
import dev.floe.raft.ReadConsistency;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.storage.FileStorage;
import dev.floe.raft.transport.netty.NettyTransport;
import dev.floe.raft.transport.netty.RaftClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The peerbench workload (/work/shared/peerbench/WORKLOAD.md, v1) on Floe, so that its JSON lines
 * sit next to the other libraries' results: {@link KvBenchSettings#members} {@link RaftServer}s in
 * one JVM on loopback {@link NettyTransport}, each on a fresh {@link FileStorage} directory with the
 * default (fsync) options, default {@link RaftServerOptions}, a key-value state machine that answers
 * a PUT with its log index, and a closed loop of exactly IN_FLIGHT requests through one
 * {@link RaftClient} over the client protocol ({@link ClosedLoop}: same seeds, same command
 * encoding, same HdrHistogram recorder, same 1 ms slot hold-back after an error as
 * {@code peerbench.common.Bench}). Beyond the workload each line also carries the cluster size,
 * MB/s of values, the JVM's CPU per operation, the machine's load average and the raw disk's MB/s
 * measured right after the run, and with {@code --reads} the read rate of the same cluster.
 * Only the JSON lines go to {@code out}; progress goes to stderr.
 */
public final class KvBench {
    static final String SYSTEM = "floe";
    static final String VERSION = "0.1.0-SNAPSHOT";
    /** The workload's key space (WORKLOAD.md): {@code key-000000000000} .. {@code key-000000000999}. */
    static final int NUM_KEYS = 1000;
    static final byte[][] KEYS = new byte[NUM_KEYS][];

    static {
        for (int i = 0; i < NUM_KEYS; i++) KEYS[i] = String.format("key-%012d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private final PrintStream out;
    private final PrintStream log = System.err;

    public KvBench(PrintStream out) {
        this.out = out;
    }

    /** Runs one fresh cluster per (value size, IN_FLIGHT) pair, in order, printing one JSON line each. */
    public void run(KvBenchSettings settings) throws Exception {
        log.printf("[peerbench] %s %s: %d RaftServers, loopback NettyTransport, FileStorage (fsync on, defaults), "
                + "RaftServerOptions.defaults()%s, one RaftClient over the client protocol%n", SYSTEM, VERSION, settings.members(),
                settings.reads() == KvBenchSettings.Reads.LEASE ? " with lease reads on (margin 2 ticks)" : "");
        for (int valueSize : settings.valueSizes()) {
            for (int inFlight : settings.inFlights()) runOne(settings, inFlight, valueSize);
        }
    }

    private void runOne(KvBenchSettings s, int inFlight, int valueSize) throws Exception {
        Path dataDir = Files.createTempDirectory("peerbench-" + SYSTEM + "-");
        log.printf("[peerbench] %s in_flight=%d value_size=%d members=%d: starting under %s%n", SYSTEM, inFlight, valueSize, s.members(), dataDir);
        RaftServerOptions options = s.reads() == KvBenchSettings.Reads.LEASE
                ? RaftServerOptions.builder().leaseReads(true, 2).build() : RaftServerOptions.defaults();
        try {
            long t0 = System.nanoTime();
            ClosedLoop.Measurement writes;
            ClosedLoop.Measurement reads = null;
            ClosedLoop.Measurement linearizableSameRun = null;
            try (BenchCluster cluster = new BenchCluster(dataDir, s.members(), options, null)) {
                RaftClient client = cluster.client();
                // "The run starts only after a leader is elected and the client can reach it": one put first.
                client.submit(Bytes.wrap(KvMachine.encodePut(KEYS[0], new byte[1]))).get(30, TimeUnit.SECONDS);
                log.printf("[peerbench] %s cluster up with leader in %d ms; warmup %ds, measure %ds%n",
                        SYSTEM, (System.nanoTime() - t0) / 1_000_000, s.warmupSec(), s.measureSec());
                byte[][] values = values(valueSize);
                if (s.reads() != KvBenchSettings.Reads.NONE) preload(client, values);
                writes = ClosedLoop.run(inFlight, s.warmupSec(), s.measureSec(),
                        rnd -> client.submit(Bytes.wrap(KvMachine.encodePut(KEYS[rnd.nextInt(NUM_KEYS)], values[rnd.nextInt(values.length)]))),
                        result -> result.size() == 8, log);
                if (s.reads() != KvBenchSettings.Reads.NONE) reads = reads(cluster, s.reads(), s, inFlight, valueSize);
                // Linearizable reads of the same cluster right after show what the lease alone saves.
                if (s.reads() == KvBenchSettings.Reads.LEASE) {
                    linearizableSameRun = reads(cluster, KvBenchSettings.Reads.LINEARIZABLE, s, inFlight, valueSize);
                }
                long c0 = System.nanoTime();
                cluster.close();
                log.printf("[peerbench] %s cluster closed in %d ms%n", SYSTEM, (System.nanoTime() - c0) / 1_000_000);
            }
            String load = Machine.loadAverage();
            double rawDisk = Machine.rawDiskMbPerSec(dataDir, 1.0);
            String json = json(s, inFlight, valueSize, writes, reads, linearizableSameRun, load, rawDisk);
            out.println(json);
            out.flush();
            log.println("[peerbench] " + json);
            log.printf(Locale.ROOT, "[peerbench] %s in_flight=%d: JVM used %.2f of %d CPUs while measuring, %.0f us CPU per op%n",
                    SYSTEM, inFlight, writes.cpusUsed(), Runtime.getRuntime().availableProcessors(), writes.cpuUsPerOp());
        } finally {
            deleteRecursively(dataDir);
        }
    }

    /**
     * Reads of the pre-loaded keys, as many in flight as the writes had, through the RaftClient
     * like the writes, with the consistency of {@code kind} (the client protocol carries it).
     */
    private ClosedLoop.Measurement reads(BenchCluster cluster, KvBenchSettings.Reads kind, KvBenchSettings s, int inFlight, int valueSize)
            throws Exception {
        ReadConsistency consistency = kind == KvBenchSettings.Reads.LEASE ? ReadConsistency.LEASE : ReadConsistency.LINEARIZABLE;
        log.printf("[peerbench] %s reads (%s, client), in_flight=%d: warmup %ds, measure %ds%n", SYSTEM,
                kind.name().toLowerCase(Locale.ROOT), inFlight, s.warmupSec(), s.measureSec());
        RaftClient client = cluster.client();
        return ClosedLoop.run(inFlight, s.warmupSec(), s.measureSec(),
                rnd -> client.read(Bytes.wrap(KvMachine.encodeGet(KEYS[rnd.nextInt(NUM_KEYS)])), consistency),
                result -> result.size() == valueSize, log);
    }

    /** Writes every key once, so that every read finds a value of the run's size. */
    private static void preload(RaftClient client, byte[][] values) throws Exception {
        List<CompletableFuture<Bytes>> batch = new ArrayList<>();
        for (int i = 0; i < NUM_KEYS; i++) {
            batch.add(client.submit(Bytes.wrap(KvMachine.encodePut(KEYS[i], values[i % values.length]))));
            if (batch.size() == 256 || i == NUM_KEYS - 1) {
                for (CompletableFuture<Bytes> f : batch) f.get(30, TimeUnit.SECONDS);
                batch.clear();
            }
        }
    }

    /** The workload's 64 values of {@code size} random bytes (seed 42). */
    private static byte[][] values(int size) {
        byte[][] values = new byte[64][];
        SplittableRandom seed = new SplittableRandom(42);
        for (int i = 0; i < values.length; i++) {
            values[i] = new byte[size];
            for (int j = 0; j < size; j++) values[i][j] = (byte) seed.nextInt(256);
        }
        return values;
    }

    private static String json(KvBenchSettings s, int inFlight, int valueSize, ClosedLoop.Measurement w, ClosedLoop.Measurement r,
                               ClosedLoop.Measurement linearizableSameRun, String load, double rawDisk) {
        StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
                "{\"system\":\"%s\",\"version\":\"%s\",\"in_flight\":%d,\"value_size\":%d,"
                        + "\"ops_per_sec\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,"
                        + "\"errors\":%d,\"measure_s\":%.3f,\"members\":%d,\"mb_per_sec\":%.2f,\"cpus_used\":%.2f,\"cpu_us_per_op\":%.1f",
                SYSTEM, VERSION, inFlight, valueSize, w.opsPerSec(), w.p50Us(), w.p99Us(), w.p999Us(), w.errors(), w.measureS(),
                s.members(), w.opsPerSec() * valueSize / 1e6, w.cpusUsed(), w.cpuUsPerOp()));
        if (r != null) {
            json.append(String.format(Locale.ROOT,
                    ",\"reads\":\"%s\",\"read_path\":\"%s\",\"read_ops_per_sec\":%.1f,\"read_p50_us\":%.1f,\"read_p99_us\":%.1f,"
                            + "\"read_errors\":%d,\"read_cpu_us_per_op\":%.1f,\"reads_per_write\":%.2f",
                    s.reads().name().toLowerCase(Locale.ROOT),
                    "client",
                    r.opsPerSec(), r.p50Us(), r.p99Us(), r.errors(), r.cpuUsPerOp(),
                    w.opsPerSec() > 0 ? r.opsPerSec() / w.opsPerSec() : 0));
        }
        if (linearizableSameRun != null) {
            json.append(String.format(Locale.ROOT, ",\"linearizable_same_run_ops_per_sec\":%.1f,\"linearizable_same_run_p50_us\":%.1f",
                    linearizableSameRun.opsPerSec(), linearizableSameRun.p50Us()));
        }
        json.append(String.format(Locale.ROOT, ",\"raw_disk_mb_per_sec\":%.1f,\"load_avg\":\"%s\",\"time\":\"%s\"}",
                rawDisk, load, Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        return json.toString();
    }

    /** Deletes {@code dir} and everything under it; a failure is only logged (a benchmark's temporary data). */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("[peerbench] warning: could not delete " + dir + ": " + e);
        }
    }
}
