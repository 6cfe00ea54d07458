package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three {@code raft-kv.jar node} processes (the jar built by {@code package}, run by failsafe):
 * writes through any node following redirects, {@code kill -9} of the leader, more writes, the
 * leader restarted from its directory, then every acknowledged write read on every node.
 */
class KvProcessClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Path> dirs = new LinkedHashMap<>();
    private final Map<String, String> urls = new LinkedHashMap<>();
    private ClusterSpec spec;
    private Path root;
    private int starts;

    @AfterEach
    void killAll() throws IOException {
        processes.values().forEach(Process::destroyForcibly);
        for (Process p : processes.values()) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void acknowledgedWritesSurviveKillMinus9OfTheLeaderAndTheRestartedNodeCatchesUp() throws Exception {
        root = Files.createTempDirectory("raft-kv-it-");
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            members.add(Member.parse("n" + i + "=127.0.0.1:" + KvTestCluster.freePort() + ":" + KvTestCluster.freePort()));
        }
        spec = new ClusterSpec(members);
        for (Member m : members) {
            String id = m.id().value();
            dirs.put(id, root.resolve(id));
            urls.put(id, "http://" + m.http());
            start(id);
        }
        KvClient client = new KvClient(List.copyOf(urls.values()), WAIT);
        String leader = awaitLeader(Optional.empty());

        Map<String, String> acknowledged = new LinkedHashMap<>();
        writeSome(client, "before", 30, acknowledged);
        long killedLast = ((Number) client.status(urls.get(leader)).get("lastLogIndex")).longValue();

        processes.remove(leader).destroyForcibly().waitFor(); // kill -9: no shutdown hook runs
        String next = awaitLeader(Optional.of(leader));
        assertThat(next).isNotEqualTo(leader);
        writeSome(client, "during", 40, acknowledged);
        // The survivors snapshot every 20 entries and keep 5: their logs now start after the killed
        // node's last entry, so it can only catch up through InstallSnapshot (paper §7).
        for (String id : processes.keySet()) {
            KvTestCluster.await(WAIT, id + " to compact past " + killedLast, () -> snapshotIndex(client, id) > killedLast + 5
                    ? Optional.of(true) : Optional.empty());
        }

        start(leader); // from its directory
        writeSome(client, "after", 10, acknowledged);
        long commit = ((Number) client.status(urls.get(awaitLeader(Optional.empty()))).get("commitIndex")).longValue();
        for (String id : urls.keySet()) {
            KvTestCluster.await(WAIT, id + " to apply up to " + commit, () -> applied(client, id) >= commit
                    ? Optional.of(true) : Optional.empty());
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                assertThat(client.get(urls.get(id), e.getKey(), "stale")).as(id + " " + e.getKey()).contains(e.getValue());
            }
        }
        assertThat(snapshotIndex(client, leader)).isPositive(); // the restarted node's state came as a snapshot
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(70); // at most a few writes may end as outcome unknown
        assertThat(client.status(urls.get(leader)).get("leader")).isEqualTo(awaitLeader(Optional.empty()));
    }

    private void writeSome(KvClient client, String prefix, int count, Map<String, String> acknowledged) throws Exception {
        for (int i = 0; i < count; i++) {
            String key = prefix + "/" + i;
            String value = prefix + "-value-" + i;
            try {
                KvClient.Answer a = client.put(key, value);
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                acknowledged.put(key, value);
            } catch (KvClient.OutcomeUnknown e) {
                // not acknowledged: it may or may not be applied, so it is not checked
            }
        }
    }

    private long applied(KvClient client, String id) {
        return statusField(client, id, "appliedIndex");
    }

    private long snapshotIndex(KvClient client, String id) {
        return statusField(client, id, "snapshotIndex");
    }

    private long statusField(KvClient client, String id, String field) {
        try {
            return ((Number) client.status(urls.get(id)).get(field)).longValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The leader all running nodes report, other than {@code not}; asked over HTTP. */
    private String awaitLeader(Optional<String> not) {
        KvClient quick = new KvClient(List.copyOf(urls.values()), Duration.ofSeconds(2));
        return KvTestCluster.await(WAIT, "a leader all running nodes agree on", () -> {
            Optional<String> agreed = Optional.empty();
            for (String id : processes.keySet()) {
                Object leader;
                try {
                    leader = quick.status(urls.get(id)).get("leader");
                } catch (IOException e) {
                    return Optional.empty();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                if (!(leader instanceof String l) || not.equals(Optional.of(l)) || (agreed.isPresent() && !agreed.get().equals(l))) {
                    return Optional.empty();
                }
                agreed = Optional.of(l);
            }
            return agreed;
        });
    }

    private void start(String id) throws IOException {
        String jar = System.getProperty("raftkv.jar", "target/raft-kv.jar");
        assertThat(new File(jar)).as("the shaded jar (run `mvn package` first)").exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        File log = root.resolve(id + "-" + (++starts) + ".log").toFile();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-jar", jar, "node", "--id", id, "--data-dir", dirs.get(id).toString(),
                "--cluster", spec.toString(), "--snapshot-every", "20", "--snapshot-keep", "5")
                .redirectErrorStream(true).redirectOutput(log).start();
        processes.put(id, p);
    }
}
