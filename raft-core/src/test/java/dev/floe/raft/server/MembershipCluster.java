package dev.floe.raft.server;

import dev.floe.raft.testkit.Await;
import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.testkit.LocalNetwork;
import dev.floe.raft.testkit.MemoryHardStateStore;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Servers over a {@link LocalNetwork} built with {@link Member}s (raft and client addresses), so
 * members can be added, removed and replaced. Member {@code i} is {@code n<i>}; storage outlives a
 * server so a member can restart.
 */
final class MembershipCluster implements AutoCloseable {
    static final RaftServerOptions FAST = LocalCluster.FAST;

    final LocalNetwork network = new LocalNetwork();
    private final RaftServerOptions options;
    private final Map<NodeId, MemoryLogStorage> logs = new LinkedHashMap<>();
    private final Map<NodeId, MemoryHardStateStore> hardStates = new LinkedHashMap<>();
    private final Map<NodeId, RecordingStateMachine> machines = new LinkedHashMap<>();
    private final Map<NodeId, RaftServer> servers = new LinkedHashMap<>();

    MembershipCluster(RaftServerOptions options) {
        this.options = options;
    }

    static NodeId id(int i) {
        return NodeId.of("n" + i);
    }

    static Member member(int i) {
        return Member.voter(id(i), new Endpoint("raft-n" + i + ".example", 7000 + i), new Endpoint("client-n" + i + ".example", 9000 + i));
    }

    static Member member(NodeId id) {
        return member(Integer.parseInt(id.value().substring(1)));
    }

    static List<Member> members(int... ids) {
        List<Member> list = new ArrayList<>();
        for (int i : ids) list.add(member(i));
        return list;
    }

    /** Starts the founding members {@code n1..n<size>}. */
    MembershipCluster bootstrap(int size) {
        int[] ids = new int[size];
        for (int i = 0; i < size; i++) ids[i] = i + 1;
        for (int i : ids) start(i, members(ids), false);
        return this;
    }

    /** Starts new member {@code i}, given the current members as the leader {@code from} knows them. */
    RaftServer startJoining(int i, RaftServer from) {
        ClusterConfig config = from.status().config();
        List<Member> current = new ArrayList<>();
        for (NodeId m : config.allMembers()) current.add(member(m).withVoter(config.isVoter(m)));
        return start(i, current, true);
    }

    RaftServer start(int i, Collection<Member> members, boolean joining) {
        NodeId id = id(i);
        RecordingStateMachine machine = new RecordingStateMachine();
        RaftServer.Builder b = RaftServer.builder()
                .id(id)
                .members(members)
                .stateMachine(machine)
                .storage(logs.computeIfAbsent(id, x -> new MemoryLogStorage()), hardStates.computeIfAbsent(id, x -> new MemoryHardStateStore()))
                .transport(network.transport(id))
                .options(options);
        if (joining) b.joining();
        RaftServer server = b.build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        machines.put(id, machine);
        servers.put(id, server);
        return server;
    }

    /** Closes {@code id}'s server; its storage stays. */
    void stop(NodeId id) {
        RaftServer s = servers.remove(id);
        if (s != null) s.close();
    }

    RaftServer server(NodeId id) {
        return servers.get(id);
    }

    RaftServer server(int i) {
        return servers.get(id(i));
    }

    RecordingStateMachine machine(NodeId id) {
        return machines.get(id);
    }

    /** The one server among {@code among} that leads and that all of them (those running) follow. */
    RaftServer awaitLeader(Collection<NodeId> among) {
        return Await.value(Duration.ofSeconds(10), "a leader among " + among, () -> {
            List<RaftServer> running = among.stream().map(servers::get).filter(s -> s != null).toList();
            List<RaftServer> leaders = running.stream().filter(s -> s.status().isLeader()).toList();
            if (leaders.size() != 1) return Optional.empty();
            RaftServer leader = leaders.get(0);
            boolean agreed = running.stream().allMatch(s -> s.status().leader().equals(Optional.of(leader.id())));
            return agreed ? Optional.of(leader) : Optional.empty();
        });
    }

    /** Waits until every running server in {@code ids} has {@code config} in force and applied everything the leader committed. */
    void awaitConfig(Collection<NodeId> ids, ClusterConfig config) {
        Await.until(Duration.ofSeconds(10), "members " + ids + " to use " + config, () ->
                ids.stream().map(servers::get).filter(s -> s != null).allMatch(s -> s.status().config().equals(config)));
    }

    /** Submits {@code command} to {@code leader} and waits for its result. */
    static void write(RaftServer leader, String command) throws Exception {
        leader.submit(Bytes.utf8(command)).get(5, TimeUnit.SECONDS);
    }

    /** Waits until every running server in {@code ids} applied exactly {@code expected}, in order. */
    void awaitCommands(Collection<NodeId> ids, List<String> expected) {
        Await.until(Duration.ofSeconds(10), ids + " to apply " + expected.size() + " commands", () ->
                ids.stream().allMatch(id -> machines.get(id).commands().equals(expected)));
    }

    @Override
    public void close() {
        for (NodeId id : List.copyOf(servers.keySet())) stop(id);
    }
}
