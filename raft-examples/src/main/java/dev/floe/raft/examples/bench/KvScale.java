package dev.floe.raft.examples.bench;

import dev.floe.raft.Bytes;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.SnapshotOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.stream.Stream;

/**
 * How the cost of the slow paths grows with the data: each run starts a fresh 3-member
 * {@link BenchCluster} (fsync on), loads it through the leader's {@link RaftServer#submit} (1024 in
 * flight, at most 16 MiB, in this JVM) and prints one JSON line.
 * <ul>
 *   <li>{@code restart}: a follower whose log holds N entries (no snapshot store, so the log holds
 *       everything) is stopped and started on its directory; reports the time to open the storage
 *       and start, and the time until a linearizable read on it completes having applied the whole
 *       log again (it serves).</li>
 *   <li>{@code snapshot}: M MB of 64 KiB values; the leader takes a snapshot (time, MB/s), a new
 *       member joins as a learner and installs it (send + restore, MB/s), and that member restarts
 *       from its own copy (restore from disk, MB/s).</li>
 *   <li>{@code catchup}: a follower is stopped, M MB of 4 KiB values are written, and it is started
 *       again; reports MB/s until it has applied everything the leader had committed.</li>
 * </ul>
 * All members share one disk and two CPUs here, and the state machines live in one heap: a 1 GB
 * snapshot needs a heap of several GB (four copies of the map).
 */
public final class KvScale {
    private static final int IN_FLIGHT = 1024;
    private static final long IN_FLIGHT_BYTES = 16L << 20;
    /** The defaults, but bulk loading on a busy shared machine may stall for seconds: wait a minute per request. */
    private static final RaftServerOptions OPTIONS = RaftServerOptions.builder().requestTimeout(Duration.ofMinutes(1)).build();
    private static final int WAIT_MINUTES = 30;

    private final PrintStream out;
    private final PrintStream log = System.err;

    public KvScale(PrintStream out) {
        this.out = out;
    }

    public void run(ScaleSettings settings) throws Exception {
        for (ScaleSettings.Run run : settings.runs()) {
            Path dir = Files.createTempDirectory("floe-scale-");
            try {
                String json = switch (run) {
                    case RESTART -> restart(dir, settings.entries());
                    case SNAPSHOT -> snapshot(dir, settings.megabytes());
                    case CATCHUP -> catchUp(dir, settings.megabytes());
                };
                out.println(json);
                out.flush();
                log.println("[scale] " + json);
            } finally {
                deleteTree(dir);
            }
        }
    }

    private String restart(Path dir, long entries) throws Exception {
        try (BenchCluster c = new BenchCluster(dir, 3, OPTIONS, null)) {
            RaftServer leader = c.awaitLeader(30);
            byte[] value = new byte[128];
            long loadMs = load(leader, entries, i -> KvMachine.encodePut(key("key-", i % 1000), value));
            long commit = leader.status().commitIndex();
            NodeId follower = c.other(leader.id());
            await("every member to apply index " + commit, () -> c.ids().stream().allMatch(id -> c.server(id).status().appliedIndex() >= commit));
            c.stop(follower);
            long logBytes = size(c.directory(follower));
            log.printf("[scale] restart: %s holds %,d entries (%.1f MB on disk); starting it again%n", follower, commit, logBytes / 1e6);

            long t0 = System.nanoTime();
            RaftServer restarted = c.start(follower, false);
            long startMs = (System.nanoTime() - t0) / 1_000_000;
            Bytes get = Bytes.wrap(KvMachine.encodeGet(key("key-", 0)));
            await(follower + " to serve a linearizable read", () -> {
                try {
                    return restarted.read(get).get(10, TimeUnit.SECONDS).size() == value.length
                            && restarted.status().appliedIndex() >= commit;
                } catch (Exception e) {
                    return false;
                }
            });
            long serveMs = (System.nanoTime() - t0) / 1_000_000;
            return String.format(Locale.ROOT,
                    "{\"scale\":\"restart\",\"entries\":%d,\"log_mb\":%.1f,\"load_ms\":%d,\"start_ms\":%d,\"serve_ms\":%d,"
                            + "\"replay_entries_per_sec\":%.0f,\"load_avg\":\"%s\",\"time\":\"%s\"}",
                    commit, logBytes / 1e6, loadMs, startMs, serveMs, commit / (serveMs / 1000.0), Machine.loadAverage(), now());
        }
    }

    private String snapshot(Path dir, int megabytes) throws Exception {
        // No automatic snapshots; compact everything behind the one taken here, so the new member needs it.
        SnapshotOptions options = SnapshotOptions.builder().triggers(0, 0, 0).build();
        try (BenchCluster c = new BenchCluster(dir, 3, OPTIONS, options)) {
            RaftServer leader = c.awaitLeader(30);
            byte[] value = new byte[64 * 1024];
            Arrays.fill(value, (byte) 42);
            long keys = Math.max(1, (long) megabytes * 1_000_000 / value.length);
            long loadMs = load(leader, keys, i -> KvMachine.encodePut(key("snap-", i), value));

            long t0 = System.nanoTime();
            long index = leader.snapshotNow().get(WAIT_MINUTES, TimeUnit.MINUTES);
            long takeNs = System.nanoTime() - t0;
            long bytes = c.machine(leader.id()).snapshotBytesWritten();
            log.printf("[scale] snapshot: %.1f MB at index %d taken in %d ms; a new member joins%n", bytes / 1e6, index, takeNs / 1_000_000);

            Member joiner = c.reserveMember();
            RaftServer fresh = c.start(joiner.id(), true);
            t0 = System.nanoTime();
            leader.addLearner(joiner).get(WAIT_MINUTES, TimeUnit.MINUTES);
            await(joiner.id() + " to install the snapshot", () -> fresh.status().appliedIndex() >= index && c.machine(joiner.id()).restores() >= 1);
            long installNs = System.nanoTime() - t0;

            c.stop(joiner.id());
            t0 = System.nanoTime();
            RaftServer again = c.start(joiner.id(), true);
            await(joiner.id() + " to restore from its own snapshot", () -> again.status().appliedIndex() >= index);
            long restoreNs = System.nanoTime() - t0;
            return String.format(Locale.ROOT,
                    "{\"scale\":\"snapshot\",\"snapshot_mb\":%.1f,\"load_ms\":%d,\"take_ms\":%d,\"take_mb_per_sec\":%.1f,"
                            + "\"install_ms\":%d,\"install_mb_per_sec\":%.1f,\"restore_ms\":%d,\"restore_mb_per_sec\":%.1f,"
                            + "\"load_avg\":\"%s\",\"time\":\"%s\"}",
                    bytes / 1e6, loadMs, takeNs / 1_000_000, mbPerSec(bytes, takeNs), installNs / 1_000_000, mbPerSec(bytes, installNs),
                    restoreNs / 1_000_000, mbPerSec(bytes, restoreNs), Machine.loadAverage(), now());
        }
    }

    private String catchUp(Path dir, int megabytes) throws Exception {
        try (BenchCluster c = new BenchCluster(dir, 3, OPTIONS, null)) {
            RaftServer leader = c.awaitLeader(30);
            NodeId follower = c.other(leader.id());
            c.stop(follower);
            byte[] value = new byte[4096];
            Arrays.fill(value, (byte) 7);
            long count = Math.max(1, (long) megabytes * 1_000_000 / value.length);
            long loadMs = load(leader, count, i -> KvMachine.encodePut(key("key-", i % 1000), value));
            long commit = leader.status().commitIndex();
            long bytes = count * (1L + KvMachine.KEY_SIZE + value.length);
            log.printf("[scale] catchup: %s is %.1f MB (%,d entries) behind; starting it again%n", follower, bytes / 1e6, count);

            long t0 = System.nanoTime();
            RaftServer behind = c.start(follower, false);
            await(follower + " to catch up to index " + commit, () -> behind.status().appliedIndex() >= commit);
            long ns = System.nanoTime() - t0;
            return String.format(Locale.ROOT,
                    "{\"scale\":\"catchup\",\"behind_mb\":%.1f,\"entries\":%d,\"load_ms\":%d,\"catchup_ms\":%d,\"catchup_mb_per_sec\":%.1f,"
                            + "\"load_avg\":\"%s\",\"time\":\"%s\"}",
                    bytes / 1e6, count, loadMs, ns / 1_000_000, mbPerSec(bytes, ns), Machine.loadAverage(), now());
        }
    }

    /**
     * Submits {@code count} commands at the leader, {@link #IN_FLIGHT} at a time but never more than
     * {@link #IN_FLIGHT_BYTES} (under the server's uncommitted-bytes limit); returns the milliseconds taken.
     */
    private long load(RaftServer leader, long count, LongFunction<byte[]> command) throws Exception {
        int inFlight = (int) Math.max(1, Math.min(IN_FLIGHT, IN_FLIGHT_BYTES / command.apply(0).length));
        Semaphore window = new Semaphore(inFlight);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // Each PUT answers with its log index: the highest is where the load ends in the log.
        AtomicLong lastIndex = new AtomicLong();
        long t0 = System.nanoTime();
        for (long i = 0; i < count && failure.get() == null; i++) {
            window.acquire();
            leader.submit(Bytes.wrap(command.apply(i))).whenComplete((r, e) -> {
                if (e != null) failure.compareAndSet(null, e);
                if (r != null && r.size() == Long.BYTES) lastIndex.accumulateAndGet(ByteBuffer.wrap(r.toByteArray()).getLong(), Math::max);
                window.release();
            });
        }
        if (!window.tryAcquire(inFlight, WAIT_MINUTES, TimeUnit.MINUTES)) throw new TimeoutException("load did not finish");
        if (failure.get() != null) throw new IllegalStateException("loading failed: " + failure.get(), failure.get());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        log.printf("[scale] loaded %,d commands in %d ms%n", count, ms);
        // The futures complete on the applier, which may run before the consensus thread has
        // published the status of the pass that committed them: callers read that status next.
        await("the leader's status to show index " + lastIndex.get() + " committed",
                () -> leader.status().commitIndex() >= lastIndex.get());
        return ms;
    }

    /** Polls the published status (there is no event to wait on) until {@code done}, for at most {@link #WAIT_MINUTES}. */
    private static void await(String what, BooleanSupplier done) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(WAIT_MINUTES);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new TimeoutException("waited " + WAIT_MINUTES + " min for " + what);
            Thread.sleep(5);
        }
    }

    /** A 16-byte key: the prefix and the number, zero-padded. */
    private static byte[] key(String prefix, long i) {
        String digits = Long.toString(i);
        String key = prefix + "0".repeat(KvMachine.KEY_SIZE - prefix.length() - digits.length()) + digits;
        return key.getBytes(StandardCharsets.US_ASCII);
    }

    private static double mbPerSec(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            log.println("[scale] warning: could not delete " + dir + ": " + e);
        }
    }
}
