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
 * Issue 15: three {@code raft-kv.jar node --groups 16} processes; writes through any node follow
 * each key's group leader; {@code kill -9} of the process that leads the most groups; the others
 * elect leaders for its groups and take more writes; it restarts from its directory and catches up;
 * no acknowledged write is lost.
 */
class KvShardedProcessIT {
    private static final Duration WAIT = KvProcesses.WAIT;
    private static final int GROUPS = 16;
    private KvProcesses cluster;

    @AfterEach
    void killAll() {
        if (cluster != null) cluster.close();
    }

    @Test
    void sixteenGroupsLoseNoAcknowledgedWriteWhenTheBusiestLeaderIsKilled() throws Exception {
        cluster = new KvProcesses(3, List.of("--groups", Integer.toString(GROUPS))).startAll();
        KvClient client = new KvClient(cluster.urls(), WAIT);
        awaitEveryGroupLed(cluster.ids());

        Map<String, String> acknowledged = new LinkedHashMap<>();
        KvProcesses.writeSome(client, "before", 60, acknowledged);
        String victim = cluster.ids().stream().max(java.util.Comparator.comparingInt(this::groupsLed)).orElseThrow();
        assertThat(groupsLed(victim)).isPositive();

        cluster.kill(victim); // kill -9: no shutdown hook runs
        List<String> survivors = cluster.ids().stream().filter(id -> !id.equals(victim)).toList();
        KvClient survivorsClient = new KvClient(survivors.stream().map(cluster::url).toList(), WAIT);
        KvProcesses.writeSome(survivorsClient, "during", 60, acknowledged);

        cluster.start(victim);
        awaitEveryGroupLed(cluster.ids());
        KvProcesses.writeSome(client, "after", 20, acknowledged);
        for (String id : cluster.ids()) {
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                assertThat(client.get(cluster.url(id), e.getKey(), "linearizable")).as(id + " " + e.getKey()).contains(e.getValue());
            }
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(130); // at most a few writes may end as outcome unknown
    }

    /** Waits until every group has a leader that all of {@code ids} agree on. */
    private void awaitEveryGroupLed(List<String> ids) {
        KvTestCluster.await(WAIT, "a leader in each of the " + GROUPS + " groups on " + ids, () -> {
            Map<Object, Object> leaders = new LinkedHashMap<>();
            for (String id : ids) {
                List<?> groups = groups(id);
                if (groups.size() != GROUPS) return Optional.empty();
                for (Object g : groups) {
                    Map<?, ?> group = (Map<?, ?>) g;
                    Object leader = group.get("leader");
                    if (!(leader instanceof String)) return Optional.empty();
                    Object before = leaders.putIfAbsent(group.get("group"), leader);
                    if (before != null && !before.equals(leader)) return Optional.empty();
                }
            }
            return Optional.of(true);
        });
    }

    private List<?> groups(String id) {
        try {
            Object groups = cluster.status(id).get("groups");
            return groups instanceof List<?> l ? l : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private int groupsLed(String id) {
        return (int) groups(id).stream().filter(g -> "leader".equals(((Map<?, ?>) g).get("role"))).count();
    }

}
