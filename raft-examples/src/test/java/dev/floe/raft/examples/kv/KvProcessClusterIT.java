package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
    private static final Duration WAIT = KvProcesses.WAIT;
    private KvProcesses cluster;

    @AfterEach
    void killAll() {
        if (cluster != null) cluster.close();
    }

    @Test
    void acknowledgedWritesSurviveKillMinus9OfTheLeaderAndTheRestartedNodeCatchesUp() throws Exception {
        cluster = new KvProcesses(3, List.of("--snapshot-every", "20", "--snapshot-keep", "5")).startAll();
        KvClient client = new KvClient(cluster.urls(), WAIT);
        String leader = cluster.awaitLeader();

        Map<String, String> acknowledged = new LinkedHashMap<>();
        KvProcesses.writeSome(client, "before", 30, acknowledged);
        long killedLast = cluster.statusField(leader, "lastLogIndex");

        cluster.kill(leader); // kill -9: no shutdown hook runs
        List<String> survivors = cluster.ids().stream().filter(id -> !id.equals(leader)).toList();
        String next = cluster.awaitLeader(survivors, Optional.of(leader));
        assertThat(next).isNotEqualTo(leader);
        KvProcesses.writeSome(client, "during", 40, acknowledged);
        // The survivors snapshot every 20 entries and keep 5: their logs now start after the killed
        // node's last entry, so it can only catch up through InstallSnapshot (paper §7).
        for (String id : survivors) {
            KvTestCluster.await(WAIT, id + " to compact past " + killedLast, () -> cluster.statusField(id, "snapshotIndex") > killedLast + 5
                    ? Optional.of(true) : Optional.empty());
        }

        cluster.start(leader); // from its directory
        KvProcesses.writeSome(client, "after", 10, acknowledged);
        cluster.awaitAllCaughtUp(WAIT);
        for (String id : cluster.ids()) {
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                assertThat(client.get(cluster.url(id), e.getKey(), "stale")).as(id + " " + e.getKey()).contains(e.getValue());
            }
        }
        assertThat(cluster.statusField(leader, "snapshotIndex")).isPositive(); // the restarted node's state came as a snapshot
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(70); // at most a few writes may end as outcome unknown
        assertThat(cluster.status(leader).get("leader")).isEqualTo(cluster.awaitLeader());
    }

}
