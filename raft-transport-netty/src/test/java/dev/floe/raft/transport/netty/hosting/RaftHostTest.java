package dev.floe.raft.transport.netty.hosting;

import dev.floe.raft.testkit.RecordingStateMachine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import dev.floe.raft.GroupId;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftHost;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.ServerStatus;
import dev.floe.raft.testkit.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many Raft groups on three {@link RaftHost}s that share one transport, one set of pools and one storage root each. */
class RaftHostTest {
    private static final GroupId G1 = GroupId.of("g1");
    private static final GroupId G2 = GroupId.of("g2");
    private static final GroupId G3 = GroupId.of("g3");

    @Test
    void groupsAreStartedAndRemovedAtRunTimeAndStatusListsEachWithItsRole() throws Exception {
        try (HostCluster cluster = new HostCluster(3)) {
            cluster.startEverywhere(G1);
            cluster.startEverywhere(G2);
            RaftServer leader1 = cluster.awaitLeader(G1);
            assertThat(leader1.submit(Bytes.utf8("one")).get(10, TimeUnit.SECONDS).toUtf8()).isNotEmpty();

            for (RaftHost host : cluster.hosts.values()) assertThat(host.removeGroup(G2)).isTrue();
            Map<NodeId, ?> g3 = cluster.startEverywhere(G3);
            assertThat(g3).hasSize(3);
            RaftServer leader3 = cluster.awaitLeader(G3);
            leader3.submit(Bytes.utf8("three")).get(10, TimeUnit.SECONDS);

            int leaders1 = 0;
            int leaders3 = 0;
            for (RaftHost host : cluster.hosts.values()) {
                Map<GroupId, ServerStatus> status = host.status();
                assertThat(status.keySet()).containsExactly(G1, G3);
                assertThat(host.group(G2)).isEmpty();
                if (status.get(G1).role() == ServerStatus.Role.LEADER) leaders1++;
                if (status.get(G3).role() == ServerStatus.Role.LEADER) leaders3++;
                assertThat(status.get(G1).leader()).contains(leader1.id());
            }
            assertThat(leaders1).isEqualTo(1);
            assertThat(leaders3).isEqualTo(1);
            Await.until(HostCluster.WAIT, "every member of g3 to apply its command", () -> cluster.hosts.values().stream()
                    .allMatch(h -> h.status().get(G3).appliedIndex() >= 2 && h.status().get(G3).commitIndex() >= 2));
            // A removed group's frames no longer reach anything on the host: nobody runs g2.
            assertThat(cluster.hosts.values().stream().allMatch(h -> h.group(G2).isEmpty())).isTrue();
        }
    }

    /** A host runs a group at most once; a removed group can be started again (from its stores), with a new transport view. */
    @Test
    void aGroupRunsAtMostOncePerHostAndCanComeBackAfterRemoval() throws Exception {
        try (HostCluster cluster = new HostCluster(3)) {
            cluster.startEverywhere(G1);
            RaftHost h1 = cluster.host(1);
            assertThatThrownBy(() -> h1.startGroup(G1, cluster.members, new RecordingStateMachine(), HostCluster.FAST))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already runs group g1");
            assertThat(h1.removeGroup(G1)).isTrue();
            assertThat(h1.removeGroup(G1)).isFalse();
            h1.startGroup(G1, cluster.members, new RecordingStateMachine(), HostCluster.FAST);
            RaftServer leader = cluster.awaitLeader(G1);
            leader.submit(Bytes.utf8("back")).get(10, TimeUnit.SECONDS);
            Await.until(HostCluster.WAIT, "h1's g1 to apply again", () -> h1.status().get(G1).appliedIndex() >= 2);
        }
    }

    /** Commands of one group reach only that group's state machines, on every host. */
    @Test
    void eachGroupAppliesOnlyItsOwnCommands() throws Exception {
        try (HostCluster cluster = new HostCluster(3)) {
            Map<NodeId, RecordingStateMachine> m1 = cluster.startEverywhere(G1);
            Map<NodeId, RecordingStateMachine> m2 = cluster.startEverywhere(G2);
            RaftServer leader1 = cluster.awaitLeader(G1);
            RaftServer leader2 = cluster.awaitLeader(G2);
            for (int i = 0; i < 5; i++) {
                leader1.submit(Bytes.utf8("a" + i)).get(10, TimeUnit.SECONDS);
                leader2.submit(Bytes.utf8("b" + i)).get(10, TimeUnit.SECONDS);
            }
            Await.until(HostCluster.WAIT, "every member to apply its group's commands", () ->
                    m1.values().stream().allMatch(m -> m.commands().size() == 5) && m2.values().stream().allMatch(m -> m.commands().size() == 5));
            for (RecordingStateMachine m : m1.values()) assertThat(m.commands()).allMatch(c -> c.startsWith("a"));
            for (RecordingStateMachine m : m2.values()) assertThat(m.commands()).allMatch(c -> c.startsWith("b"));
        }
    }

    /** A group whose state machines are stuck holds a user thread on each host; the other group keeps committing. */
    @Test
    void aBlockedStateMachineDoesNotStallAnotherGroupOnTheSameHosts() throws Exception {
        try (HostCluster cluster = new HostCluster(3)) {
            Map<NodeId, RecordingStateMachine> stuck = cluster.startEverywhere(G1);
            Map<NodeId, RecordingStateMachine> live = cluster.startEverywhere(G2);
            RaftServer leader1 = cluster.awaitLeader(G1);
            RaftServer leader2 = cluster.awaitLeader(G2);
            stuck.values().forEach(RecordingStateMachine::block);
            CompletableFuture<Bytes> blocked = leader1.submit(Bytes.utf8("stuck"));
            Await.until(HostCluster.WAIT, "g1 to commit the stuck command", () -> leader1.status().commitIndex() >= 2);
            try {
                for (int i = 0; i < 20; i++) leader2.submit(Bytes.utf8("live" + i)).get(10, TimeUnit.SECONDS);
                Await.until(HostCluster.WAIT, "every g2 member to apply", () -> live.values().stream().allMatch(m -> m.commands().size() == 20));
                assertThat(blocked).isNotDone();
                assertThat(stuck.values()).allMatch(m -> m.commands().isEmpty());
            } finally {
                stuck.values().forEach(RecordingStateMachine::unblock);
            }
            assertThat(blocked.get(10, TimeUnit.SECONDS).toUtf8()).isNotEmpty();
        }
    }

    @Test
    void balancingSpreadsLeadersOverTheHosts() throws Exception {
        try (HostCluster cluster = new HostCluster(3)) {
            List<GroupId> groups = new ArrayList<>();
            for (int i = 0; i < 6; i++) groups.add(GroupId.of("b" + i));
            for (GroupId g : groups) cluster.startEverywhere(g);
            // Every leadership onto h1 first: the most unbalanced placement.
            NodeId h1 = cluster.host(1).id();
            for (GroupId g : groups) {
                Await.until(HostCluster.WAIT, "h1 to lead " + g, () -> {
                    RaftServer leader = cluster.awaitLeader(g);
                    if (leader.id().equals(h1)) return true;
                    leader.transferLeadership(h1).exceptionally(e -> null);
                    return false;
                });
            }
            assertThat(leadersPerHost(cluster, groups)).containsEntry(h1, 6);

            int moved = cluster.host(1).balanceLeaders().get(30, TimeUnit.SECONDS);
            assertThat(moved).isEqualTo(4);
            Await.until(HostCluster.WAIT, "two leaders per host", () -> {
                Map<NodeId, Integer> counts = leadersPerHost(cluster, groups);
                return counts.values().stream().mapToInt(Integer::intValue).sum() == 6
                        && counts.values().stream().allMatch(c -> c == 2) && counts.size() == 3;
            });
            // Once every host has heard of every new leader, it is balanced: nothing more to move, from any host.
            Await.until(HostCluster.WAIT, "every host to know each group's leader", () -> groups.stream().allMatch(g -> {
                NodeId leader = cluster.awaitLeader(g).id();
                return cluster.hosts.values().stream().allMatch(h -> h.status().get(g).leader().filter(leader::equals).isPresent());
            }));
            for (RaftHost host : cluster.hosts.values()) assertThat(host.balanceLeaders().get(10, TimeUnit.SECONDS)).isZero();
        }
    }

    /** A host dies (its transport falls silent first, like a crashed process): every group it led elects a new leader. */
    @Test
    void theGroupsOfADeadHostElectNewLeadersOnTheOthers() throws Exception {
        try (HostCluster cluster = new HostCluster(3)) {
            List<GroupId> groups = new ArrayList<>();
            for (int i = 0; i < 4; i++) groups.add(GroupId.of("d" + i));
            for (GroupId g : groups) cluster.startEverywhere(g);
            NodeId victim = cluster.host(1).id();
            for (GroupId g : groups) {
                Await.until(HostCluster.WAIT, "h1 to lead " + g, () -> {
                    RaftServer leader = cluster.awaitLeader(g);
                    if (leader.id().equals(victim)) return true;
                    leader.transferLeadership(victim).exceptionally(e -> null);
                    return false;
                });
            }
            cluster.transports.get(victim).close();
            cluster.host(1).close();
            cluster.hosts.remove(victim);
            for (GroupId g : groups) {
                RaftServer leader = cluster.awaitLeader(g);
                assertThat(leader.id()).isNotEqualTo(victim);
                leader.submit(Bytes.utf8("after")).get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Map<NodeId, Integer> leadersPerHost(HostCluster cluster, List<GroupId> groups) {
        Map<NodeId, Integer> counts = new TreeMap<>();
        for (RaftHost host : cluster.hosts.values()) {
            for (GroupId g : groups) {
                if (host.status().get(g).role() == ServerStatus.Role.LEADER) counts.merge(host.id(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
