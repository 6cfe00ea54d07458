package dev.floe.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Entry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a child JVM mid-append (SIGKILL, no shutdown hooks) and checks every acknowledged entry survives. */
class KillNineTest {
    @TempDir
    Path dir;

    static int payloadSize(long index) {
        return (int) (index * 37 % 300);
    }

    @Test
    void everyAcknowledgedEntrySurvivesKillMinusNine() throws Exception {
        long acknowledged = 0;
        for (int round = 0; round < 3; round++) {
            Process child = start("append");
            AtomicLong maxAck = new AtomicLong();
            CountDownLatch enough = new CountDownLatch(1);
            long target = acknowledged + 300 + round * 150L;
            Thread reader = readLines(child, line -> {
                if (line.startsWith("ACK ")) {
                    long index = Long.parseLong(line.substring(4));
                    maxAck.accumulateAndGet(index, Math::max);
                    if (index >= target) enough.countDown();
                }
            });
            boolean reached = enough.await(30, TimeUnit.SECONDS);
            child.destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            reader.join(5_000);
            assertThat(reached).as("child acknowledged %d entries within 30 s", target).isTrue();
            acknowledged = maxAck.get();

            try (FileLogStorage log = FileLogStorage.open(dir, StorageOptions.defaults())) {
                assertThat(log.lastIndex()).isGreaterThanOrEqualTo(acknowledged);
                List<Entry> entries = log.entries(1, acknowledged + 1, Long.MAX_VALUE);
                assertThat(entries).hasSize((int) acknowledged);
                for (Entry e : entries) assertThat(e).isEqualTo(TestEntries.entry(1, e.index(), payloadSize(e.index())));
            }
        }
    }

    /** Entries each group acknowledges before the kill: long enough for several journal checkpoints. */
    private static final long GROUP_ACKS = 3_000;

    /**
     * The same promise for many groups' logs written by a {@link FileGroupStorage}'s shared writer
     * through its journal, killed after several checkpoints (perhaps during one).
     */
    @Test
    void everyAcknowledgedEntryOfEveryGroupSurvivesKillMinusNine() throws Exception {
        Process child = start("groups");
        long[] acked = new long[ChildProcessMain.GROUPS];
        CountDownLatch enough = new CountDownLatch(ChildProcessMain.GROUPS);
        Thread reader = readLines(child, line -> {
            if (!line.startsWith("ACK ")) return;
            String[] parts = line.split(" ");
            int g = Integer.parseInt(parts[1]);
            long index = Long.parseLong(parts[2]);
            synchronized (acked) {
                if (acked[g] < GROUP_ACKS && index >= GROUP_ACKS) enough.countDown();
                acked[g] = Math.max(acked[g], index);
            }
        });
        boolean reached = enough.await(30, TimeUnit.SECONDS);
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        reader.join(5_000);
        assertThat(reached).as("every group acknowledged " + GROUP_ACKS + " entries within 30 s").isTrue();
        try (var journal = java.nio.file.Files.list(dir.resolve("journal"))) {
            // The child checkpoints every 50 ms: the kill came after checkpoints, maybe during one.
            assertThat(journal.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".wal")).sorted().findFirst())
                    .hasValueSatisfying(first -> assertThat(first).isNotEqualTo(dev.floe.raft.storage.internal.JournalFormat.fileName(1)));
        }
        try (FileGroupStorage storage = FileGroupStorage.open(dir, StorageOptions.defaults())) {
            for (int g = 0; g < ChildProcessMain.GROUPS; g++) {
                long promised;
                synchronized (acked) {
                    promised = acked[g];
                }
                var stores = storage.open(dev.floe.raft.GroupId.of("g" + g));
                try {
                    assertThat(stores.log().lastIndex()).isGreaterThanOrEqualTo(promised);
                    List<Entry> entries = stores.log().entries(1, promised + 1, Long.MAX_VALUE);
                    assertThat(entries).hasSize((int) promised);
                    for (Entry e : entries) assertThat(e).isEqualTo(TestEntries.entry(1 + g, e.index(), payloadSize(e.index())));
                } finally {
                    stores.log().close();
                    stores.owner().orElseThrow().close();
                }
            }
        }
    }

    @Test
    void anotherProcessHoldingTheDirectoryIsAClearError() throws Exception {
        Process child = start("hold");
        try {
            CountDownLatch open = new CountDownLatch(1);
            readLines(child, line -> {
                if (line.equals("OPEN")) open.countDown();
            });
            assertThat(open.await(30, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> FileStorage.open(dir, StorageOptions.defaults()))
                    .isInstanceOf(StorageLockedException.class)
                    .hasMessageContaining("another process (pid " + child.pid() + ")");
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        // The OS released the dead process's lock.
        FileStorage.open(dir, StorageOptions.defaults()).close();
    }

    private Process start(String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Xmx128m",
                ChildProcessMain.class.getName(), mode, dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static Thread readLines(Process child, java.util.function.Consumer<String> onLine) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) onLine.accept(line);
            } catch (IOException e) {
                // The child was killed; the stream ends.
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}
