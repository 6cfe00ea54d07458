package dev.floe.raft.storage;

import dev.floe.raft.Entry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link KillNineTest}. {@code append <dir>}: appends to the log in {@code dir}
 * forever (at most 60 s), printing {@code ACK <index>} once each batch is durable.
 * {@code hold <dir>}: opens the storage, prints {@code OPEN} and waits (at most 30 s).
 * {@code groups <dir>}: appends to {@link #GROUPS} groups' logs of a {@link FileGroupStorage} (the
 * shared writer) in turn, printing {@code ACK <group> <index>} once each batch is durable.
 */
public final class ChildProcessMain {
    private ChildProcessMain() {
    }

    static final int GROUPS = 4;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("groups")) {
            appendToGroups(dir);
            return;
        }
        if (args[0].equals("hold")) {
            try (FileStorage storage = FileStorage.open(dir, StorageOptions.defaults())) {
                System.out.println("OPEN");
                System.out.flush();
                Thread.sleep(30_000);
            }
            return;
        }
        StorageOptions options = StorageOptions.builder().segmentBytes(32 * 1024).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (FileLogStorage log = FileLogStorage.open(dir, options)) {
            Semaphore inFlight = new Semaphore(8);
            long next = log.lastIndex() + 1;
            while (System.nanoTime() < deadline) {
                inFlight.acquire();
                int count = 1 + (int) (next % 4);
                List<Entry> batch = new ArrayList<>(count);
                for (long i = next; i < next + count; i++) batch.add(TestEntries.entry(1, i, KillNineTest.payloadSize(i)));
                long last = next + count - 1;
                log.append(batch).whenComplete((ok, error) -> {
                    if (error == null) {
                        // Printed only once durable: the parent treats every ACK as a promise.
                        System.out.println("ACK " + last);
                        System.out.flush();
                    }
                    inFlight.release();
                });
                next = last + 1;
            }
        }
    }

    private static void appendToGroups(Path dir) throws Exception {
        StorageOptions options = StorageOptions.builder().segmentBytes(32 * 1024).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (FileGroupStorage storage = FileGroupStorage.open(dir, options)) {
            List<dev.floe.raft.LogStorage> logs = new ArrayList<>();
            for (int g = 0; g < GROUPS; g++) logs.add(storage.open(dev.floe.raft.GroupId.of("g" + g)).log());
            // Checkpoints while the rounds run, so the kill may come during one (FileGroupStorage's own come every 10 s or 64 MiB).
            Thread checkpoints = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(50);
                        storage.checkpoint();
                    }
                } catch (Exception e) {
                    System.err.println("checkpoint failed: " + e);
                }
            });
            checkpoints.setDaemon(true);
            checkpoints.start();
            Semaphore inFlight = new Semaphore(16);
            long[] next = new long[GROUPS];
            for (int g = 0; g < GROUPS; g++) next[g] = logs.get(g).lastIndex() + 1;
            for (int turn = 0; System.nanoTime() < deadline; turn++) {
                int g = turn % GROUPS;
                inFlight.acquire();
                int count = 1 + (int) (next[g] % 4);
                List<Entry> batch = new ArrayList<>(count);
                for (long i = next[g]; i < next[g] + count; i++) batch.add(TestEntries.entry(1 + g, i, KillNineTest.payloadSize(i)));
                long last = next[g] + count - 1;
                logs.get(g).append(batch).whenComplete((ok, error) -> {
                    if (error == null) {
                        System.out.println("ACK " + g + " " + last);
                        System.out.flush();
                    }
                    inFlight.release();
                });
                next[g] = last + 1;
            }
        }
    }
}
