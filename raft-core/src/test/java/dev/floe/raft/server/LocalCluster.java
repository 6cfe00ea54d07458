package dev.floe.raft.server;

import dev.floe.raft.testkit.Await;
import dev.floe.raft.LogStorage;
import dev.floe.raft.NodeId;
import dev.floe.raft.testkit.LocalNetwork;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Servers in one JVM over a {@link LocalNetwork}, each with in-memory storage that outlives its
 * server, so a member can be closed and started again "from disk".
 */
final class LocalCluster extends ServerCluster<RecordingStateMachine, LocalCluster> {
    /** Fast timings for tests: 20 ms ticks, elections after 200-400 ms. */
    static final RaftServerOptions FAST = RaftServerOptions.builder()
            .tickInterval(Duration.ofMillis(20))
            .electionTicks(10, 1)
            .requestTimeout(Duration.ofSeconds(5))
            .build();

    private final Map<NodeId, LogStorage> logs = new LinkedHashMap<>();

    LocalCluster(int size, RaftServerOptions options) {
        super(size, options);
        for (NodeId id : members.keySet()) logs.put(id, new MemoryLogStorage());
    }

    /** Gives {@code id} this log from its next start on (for storage with controlled durability). */
    void useLog(NodeId id, LogStorage log) {
        logs.put(id, log);
    }

    @Override
    RecordingStateMachine newStateMachine(NodeId id) {
        return new RecordingStateMachine();
    }

    @Override
    RaftServer.Builder plugs(RaftServer.Builder builder, NodeId id) {
        return builder.storage(logs.get(id), hardStates.get(id));
    }

    @Override
    LocalCluster self() {
        return this;
    }

    RaftServer anyFollower(RaftServer leader) {
        return servers.values().stream().filter(s -> s != leader).findFirst().orElseThrow();
    }

    /** Waits until every running member has applied at least {@code count} commands. */
    void awaitApplied(int count) {
        Await.until(Duration.ofSeconds(10), "every member to apply " + count + " commands", () ->
                machines.entrySet().stream().filter(e -> servers.containsKey(e.getKey()))
                        .allMatch(e -> e.getValue().commands().size() >= count));
    }

    /** Waits until every running member but {@code leader} has applied at least {@code count} commands. */
    void awaitFollowersApplied(RaftServer leader, int count) {
        Await.until(Duration.ofSeconds(10), "followers to apply " + count + " commands", () ->
                servers.keySet().stream().filter(id -> !id.equals(leader.id()))
                        .allMatch(id -> machines.get(id).commands().size() >= count));
    }
}
