package dev.floe.raft.server;

import dev.floe.raft.testkit.Await;
import static dev.floe.raft.server.MembershipCluster.id;
import static dev.floe.raft.server.MembershipCluster.member;
import static dev.floe.raft.server.MembershipCluster.members;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.testkit.LocalNetwork;
import dev.floe.raft.testkit.MemoryHardStateStore;
import dev.floe.raft.testkit.MemoryLogStorage;
import dev.floe.raft.testkit.MemorySnapshotStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Membership changes on compacted logs: a new member catches up from a snapshot (paper §7) before
 * it is promoted, and restarts from its own snapshot as a voter, its configuration taken from the
 * snapshot rather than from the builder.
 */
class MembershipSnapshotServerTest {
    private static final SnapshotOptions SNAPSHOTS = SnapshotOptions.defaults().withTriggers(20, 64L << 20, 5);
    private final LocalNetwork network = new LocalNetwork();
    private final Map<NodeId, MemoryLogStorage> logs = new LinkedHashMap<>();
    private final Map<NodeId, MemoryHardStateStore> hardStates = new LinkedHashMap<>();
    private final Map<NodeId, MemorySnapshotStore> snapshots = new LinkedHashMap<>();
    private final Map<NodeId, SnapshottingStateMachine> machines = new LinkedHashMap<>();
    private final Map<NodeId, RaftServer> servers = new LinkedHashMap<>();

    @AfterEach
    void close() {
        servers.values().forEach(RaftServer::close);
        Await.until(Duration.ofSeconds(5), "no floe- threads left", () -> Await.floeThreads().isEmpty());
    }

    @Test
    void aNewMemberCatchesUpFromASnapshotThenVotesAndRestartsFromItsOwnSnapshot_section7() throws Exception {
        List<Member> founders = members(1, 2, 3);
        for (int i = 1; i <= 3; i++) start(i, founders, false);
        RaftServer leader = leader(List.of(id(1), id(2), id(3)));
        List<CompletableFuture<Bytes>> writes = new ArrayList<>();
        for (int i = 0; i < 100; i++) writes.add(leader.submit(Bytes.utf8("c" + i)));
        for (CompletableFuture<Bytes> w : writes) w.get(5, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), "the leader to compact its log", () -> logs.get(leader.id()).firstIndex() > 50);

        start(4, founders, true);
        ClusterConfig four = leader.addVoter(member(4)).get(10, TimeUnit.SECONDS);
        assertThat(four.voters()).contains(id(4));
        SnapshottingStateMachine n4 = machines.get(id(4));
        Await.until(Duration.ofSeconds(10), "n4 to hold all 100 commands", () -> n4.commands().size() >= 100);
        assertThat(n4.restores()).as("n4 was sent a snapshot, the log it needed being compacted").isPositive();
        assertThat(n4.commands().subList(0, 100)).isEqualTo(machines.get(leader.id()).commands().subList(0, 100));

        // Enough new entries for n4 to snapshot (and compact) past the entry that added it.
        writes.clear();
        for (int i = 100; i < 160; i++) writes.add(leader.submit(Bytes.utf8("c" + i)));
        for (CompletableFuture<Bytes> w : writes) w.get(5, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), "n4 to snapshot past its own addition", () ->
                snapshots.get(id(4)).latest().map(s -> s.meta().lastIndex() > 110).orElse(false)
                        && logs.get(id(4)).firstIndex() > 110);
        servers.remove(id(4)).close();
        RaftServer again = start(4, founders, true);
        assertThat(again.status().config()).isEqualTo(four);
        assertThat(again.status().isVoter(id(4))).isTrue();
        leader.submit(Bytes.utf8("last")).get(5, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), "the restarted n4 to apply the next command", () -> {
            List<String> c = machines.get(id(4)).commands();
            return !c.isEmpty() && c.get(c.size() - 1).equals("last") && c.size() == 161;
        });
    }

    private RaftServer start(int i, List<Member> members, boolean joining) throws IOException {
        NodeId id = id(i);
        SnapshottingStateMachine machine = new SnapshottingStateMachine();
        RaftServer.Builder b = RaftServer.builder().id(id).members(members).stateMachine(machine)
                .storage(logs.computeIfAbsent(id, x -> new MemoryLogStorage()), hardStates.computeIfAbsent(id, x -> new MemoryHardStateStore()))
                .snapshotStore(snapshots.computeIfAbsent(id, x -> new MemorySnapshotStore()))
                .snapshotOptions(SNAPSHOTS)
                .transport(network.transport(id))
                .options(MembershipCluster.FAST);
        if (joining) b.joining();
        RaftServer server = b.build();
        server.start();
        machines.put(id, machine);
        servers.put(id, server);
        return server;
    }

    private RaftServer leader(List<NodeId> ids) {
        return Await.value(Duration.ofSeconds(10), "a leader", () -> ids.stream().map(servers::get)
                .filter(s -> s.status().isLeader()).findFirst().map(Optional::of).orElse(Optional.empty()));
    }
}
