package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Process-level faults on {@code raft-kv.jar node} processes (issue 12): a leader paused with
 * SIGSTOP while clients read and write, a follower restored from an old copy of its directory, a
 * deleted hard-state file, a full disk. Each is checked for lost acknowledged writes, stale reads
 * ({@link RegisterHistory}) and a member stuck behind (every member applies up to the leader's
 * commit index within a bound after the fault heals). The figures printed ("fault figure: ...")
 * are the ones in docs/operations.md.
 */
class KvFaultsIT {
    private static final Duration CATCH_UP = Duration.ofSeconds(15);
    private KvProcesses cluster;

    @AfterEach
    void killAll() {
        if (cluster != null) cluster.close();
    }

    @Test
    void aLeaderPausedWithSigstopServesNoStaleReadAndLosesNoAcknowledgedWrite() throws Exception {
        cluster = new KvProcesses(3, List.of()).startAll();
        String leader = cluster.awaitLeader();
        List<String> others = cluster.ids().stream().filter(id -> !id.equals(leader)).toList();
        RegisterHistory history = new RegisterHistory();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> othersFirst = new ArrayList<>(others.stream().map(cluster::url).toList());
        othersFirst.add(cluster.url(leader));
        KvClient writes = new KvClient(othersFirst, Duration.ofSeconds(10));
        List<Thread> clients = new ArrayList<>();
        clients.add(client("writer", () -> {
            for (int n = 1; !stop.get(); n++) {
                long invoked = System.nanoTime();
                try {
                    KvClient.Answer a = writes.put("register", RegisterHistory.value(n));
                    history.wrote(n, invoked, a.status() == 200 ? System.nanoTime() : 0);
                } catch (IOException e) { // outcome unknown, or no answer in time
                    history.wrote(n, invoked, 0);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }));
        // Readers that ask the paused leader itself, so that they reach it right when it resumes.
        for (String how : List.of("lease", "lease", "linearizable")) clients.add(reader(history, stop, how, cluster.url(leader), how));
        clients.add(reader(history, stop, "linearizable", cluster.url(others.get(0)), "linearizable-follower"));
        clients.forEach(Thread::start);

        Thread.sleep(1_000);
        cluster.signal(leader, "STOP");
        Thread.sleep(3_000); // 3-6 election timeouts: the others elect a new leader and go on writing
        cluster.signal(leader, "CONT");
        long resumed = System.nanoTime();
        Thread.sleep(2_000);
        stop.set(true);
        for (Thread t : clients) t.join(TimeUnit.SECONDS.toMillis(15));

        Duration caughtUp = cluster.awaitAllCaughtUp(CATCH_UP);
        long finalRead = System.nanoTime();
        Optional<String> last = new KvClient(cluster.urls(), Duration.ofSeconds(10)).get(cluster.url(cluster.awaitLeader()), "register", "linearizable");
        history.read("final", finalRead, System.nanoTime(), last);
        for (String id : cluster.ids()) {
            assertThat(new KvClient(cluster.urls(), Duration.ofSeconds(5)).get(cluster.url(id), "register", "stale"))
                    .as(id + " holds the final value").isEqualTo(last);
        }
        System.out.printf("fault figure: SIGSTOP of the leader for 3 s: %d writes acknowledged, %d lease and %d linearizable reads,"
                        + " every member caught up %d ms after the clients stopped (%d ms after SIGCONT)%n",
                history.acknowledgedWrites(), history.reads("lease"), history.reads("linearizable") + history.reads("linearizable-follower"),
                caughtUp.toMillis(), (System.nanoTime() - resumed) / 1_000_000);
        assertThat(history.acknowledgedWrites()).isGreaterThan(10);
        assertThat(history.reads("lease")).isGreaterThan(10);
        assertThat(history.violations()).as("stale or otherwise non-linearizable reads").isEmpty();
    }

    @Test
    void aFollowerRestoredFromAnOldCopyOfItsDirectoryCatchesUpAndLosesNothing() throws Exception {
        cluster = new KvProcesses(3, List.of()).startAll();
        String leader = cluster.awaitLeader();
        String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        KvClient client = new KvClient(cluster.urls(), Duration.ofSeconds(10));
        Map<String, String> acknowledged = new LinkedHashMap<>();
        writeSome(client, "before", 20, acknowledged);

        cluster.stop(follower);
        Path copy = cluster.root.resolve(follower + "-old-copy");
        copyTree(cluster.dir(follower), copy);
        cluster.start(follower);
        writeSome(client, "while-it-ran", 100, acknowledged); // the follower acknowledges these too
        cluster.awaitAllCaughtUp(CATCH_UP);
        cluster.stop(follower);
        deleteTree(cluster.dir(follower));
        Files.move(copy, cluster.dir(follower), StandardCopyOption.ATOMIC_MOVE);
        // The documented procedure after restoring a copy: mark it for repair, then start it.
        assertThat(cluster.runTool("repair", "--data-dir", cluster.dir(follower).toString())).isZero();

        long started = System.nanoTime();
        cluster.start(follower);
        assertThat(KvTestCluster.await(KvProcesses.WAIT, follower + " to answer", () -> cluster.health(follower))).isEqualTo("repairing");
        writeSome(client, "after", 10, acknowledged);
        Duration caughtUp = cluster.awaitAllCaughtUp(CATCH_UP);
        KvTestCluster.await(CATCH_UP, follower + " to finish repairing", () -> cluster.health(follower).filter("running"::equals));
        System.out.printf("fault figure: follower restored from an old copy (100 entries behind): caught up and repaired %d ms after"
                + " it started (%d ms after the last write)%n", (System.nanoTime() - started) / 1_000_000, caughtUp.toMillis());
        assertNoneLost(client, acknowledged);
    }

    @Test
    void aDeletedHardStateIsDetectedAndTheMemberRepairsBeforeItVotesAgain() throws Exception {
        cluster = new KvProcesses(3, List.of()).startAll();
        String leader = cluster.awaitLeader();
        KvClient client = new KvClient(cluster.urls(), Duration.ofSeconds(10));
        Map<String, String> acknowledged = new LinkedHashMap<>();
        writeSome(client, "before", 20, acknowledged);

        cluster.stop(leader); // the member that voted for itself in this term
        Files.delete(cluster.dir(leader).resolve("hardstate"));
        long started = System.nanoTime();
        cluster.start(leader);
        // Repairing until it catches up with a leader: when the other two elected one while it was
        // down, that can be over before its first health answer, which then says running; the log
        // below shows that it repaired either way.
        assertThat(KvTestCluster.await(KvProcesses.WAIT, leader + " to answer", () -> cluster.health(leader))).isIn("repairing", "running");
        long detected = System.nanoTime();
        writeSome(client, "after", 20, acknowledged);
        KvTestCluster.await(CATCH_UP, leader + " to finish repairing", () -> cluster.health(leader).filter("running"::equals));
        long repaired = System.nanoTime();
        cluster.awaitAllCaughtUp(CATCH_UP);
        System.out.printf("fault figure: deleted hard-state file: repairing reported %d ms after the start, repaired %d ms after the start%n",
                (detected - started) / 1_000_000, (repaired - started) / 1_000_000);
        assertThat(cluster.output(leader)).contains("hardstate is missing next to a log").contains("will not vote or campaign")
                .contains("finished repairing");
        assertNoneLost(client, acknowledged);
    }

    @Test
    void aNodeWhoseDiskIsFullExitsNonZeroSayingWhy() throws Exception {
        cluster = new KvProcesses(1, List.of());
        String id = cluster.ids().get(0);
        Process node = cluster.startWithFileSizeLimit(id, 2048); // KiB: a segment past 2 MiB cannot grow
        KvClient client = new KvClient(cluster.urls(), Duration.ofSeconds(3));
        String value = "x".repeat(200_000);
        AtomicLong lastInvoked = new AtomicLong();
        Thread writer = client("disk-filler", () -> {
            for (int i = 0; i < 30 && node.isAlive(); i++) {
                lastInvoked.set(System.nanoTime());
                try {
                    client.put("big/" + i, value);
                } catch (IOException e) {
                    // the write that hit the full disk, or one the stopping node no longer answered
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        writer.start();
        assertThat(node.waitFor(30, TimeUnit.SECONDS)).as(id + " exits").isTrue();
        long exited = System.nanoTime();
        assertThat(node.exitValue()).isEqualTo(1);
        assertThat(cluster.output(id)).contains("stopped after a fatal error").contains("File too large").contains("exiting with status 1");
        System.out.printf("fault figure: full disk (EFBIG): the node exited with status 1 %d ms after the write that hit the limit was sent%n",
                (exited - lastInvoked.get()) / 1_000_000);
        writer.join(TimeUnit.SECONDS.toMillis(10));
    }

    private static Thread client(String name, Runnable body) {
        Thread t = new Thread(body, "kv-faults-" + name);
        t.setDaemon(true);
        return t;
    }

    private static Thread reader(RegisterHistory history, AtomicBoolean stop, String consistency, String node, String how) {
        KvClient reads = new KvClient(List.of(node), Duration.ofSeconds(10));
        return client(how, () -> {
            while (!stop.get()) {
                long invoked = System.nanoTime();
                try {
                    Optional<String> v = reads.get(node, "register", consistency);
                    history.read(how, invoked, System.nanoTime(), v);
                } catch (IOException e) {
                    // no answer: nothing was observed
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private static void writeSome(KvClient client, String prefix, int count, Map<String, String> acknowledged) throws Exception {
        for (int i = 0; i < count; i++) {
            String key = prefix + "/" + i;
            try {
                KvClient.Answer a = client.put(key, "v-" + key);
                if (a.status() == 200) acknowledged.put(key, "v-" + key);
            } catch (KvClient.OutcomeUnknown e) {
                // not acknowledged: not checked
            }
        }
    }

    /** Every acknowledged write is on every member (read locally once all caught up). */
    private void assertNoneLost(KvClient client, Map<String, String> acknowledged) throws Exception {
        cluster.awaitAllCaughtUp(CATCH_UP);
        for (String id : cluster.ids()) {
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                assertThat(client.get(cluster.url(id), e.getKey(), "stale")).as(id + " " + e.getKey()).contains(e.getValue());
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().equals("floe.lock") || f.getFileName().toString().equals("lock")) continue;
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(target);
                else Files.copy(f, target);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }
}
