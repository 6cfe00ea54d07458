package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.GroupId;
import dev.floe.raft.NodeId;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LeaderBalancerTest {
    private static final NodeId H1 = NodeId.of("h1");
    private static final NodeId H2 = NodeId.of("h2");
    private static final NodeId H3 = NodeId.of("h3");

    private static ServerStatus status(NodeId self, NodeId leader) {
        return new ServerStatus(self, self.equals(leader) ? ServerStatus.Role.LEADER : ServerStatus.Role.FOLLOWER, 3,
                Optional.of(leader), 10, 10, 10, 0, Map.of(), ClusterConfig.ofVoters("h1", "h2", "h3"), Map.of(), true);
    }

    @Test
    void aHostLeadingEverythingHandsTwoThirdsToTheOthersEvenly() {
        SortedMap<GroupId, ServerStatus> groups = new TreeMap<>();
        for (int i = 0; i < 6; i++) groups.put(GroupId.of("g" + i), status(H1, H1));
        Map<GroupId, NodeId> plan = LeaderBalancer.plan(H1, groups);
        assertThat(plan).hasSize(4);
        assertThat(plan.values().stream().filter(H2::equals).count()).isEqualTo(2);
        assertThat(plan.values().stream().filter(H3::equals).count()).isEqualTo(2);
    }

    @Test
    void aHostWithinItsShareMovesNothing() {
        SortedMap<GroupId, ServerStatus> groups = new TreeMap<>();
        groups.put(GroupId.of("a"), status(H1, H1));
        groups.put(GroupId.of("b"), status(H1, H2));
        groups.put(GroupId.of("c"), status(H1, H3));
        groups.put(GroupId.of("d"), status(H1, H1));
        assertThat(LeaderBalancer.plan(H1, groups)).isEmpty(); // 2 of 4 over 3 hosts: within one of even
    }

    @Test
    void onlyGroupsThisHostLeadsAreHandedOver() {
        SortedMap<GroupId, ServerStatus> groups = new TreeMap<>();
        for (int i = 0; i < 6; i++) groups.put(GroupId.of("g" + i), status(H1, H2));
        assertThat(LeaderBalancer.plan(H1, groups)).isEmpty(); // h2 must balance its own
    }
}
