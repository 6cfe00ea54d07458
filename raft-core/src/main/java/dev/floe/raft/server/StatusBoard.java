package dev.floe.raft.server;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.core.Status;
import java.util.Map;
import java.util.Optional;

/**
 * Where the consensus thread publishes the server's {@link ServerStatus} for every other thread:
 * one volatile reference, replaced after every pass. Readers never touch the core.
 */
final class StatusBoard {
    /** The membership in force, set by the consensus thread when it changes. */
    private volatile Map<NodeId, Endpoint> members;
    private volatile ClusterConfig config;
    private volatile ServerStatus current;
    private volatile boolean repairing;

    StatusBoard(NodeId id, Map<NodeId, Endpoint> members) {
        this.members = Map.copyOf(members);
        this.config = ClusterConfig.ofVoters(members.keySet());
        this.current = new ServerStatus(id, ServerStatus.Role.FOLLOWER, 0, Optional.empty(), 0, 0, 0, 0,
                this.members, config, Map.of(), false);
    }

    ServerStatus current() {
        return current;
    }

    /** Consensus thread (or the constructing thread before start): the configuration in force and its members' client addresses changed. */
    void membership(Map<NodeId, Endpoint> clients, ClusterConfig inForce) {
        members = Map.copyOf(clients);
        config = inForce;
        ServerStatus s = current;
        current = new ServerStatus(s.id(), s.role(), s.term(), s.leader(), s.commitIndex(), s.appliedIndex(),
                s.lastLogIndex(), s.snapshotIndex(), members, inForce, s.followers(), s.running());
    }

    /** Whether the core repairs damaged durable state (and so does not vote). */
    boolean repairing() {
        return repairing;
    }

    /** Consensus thread: publishes the core's status and the applier's applied index. */
    void publish(Status core, long appliedIndex) {
        repairing = core.repairing();
        ServerStatus last = current;
        if (last.running() && same(last, core, appliedIndex)) return; // nothing a reader could tell apart
        current = new ServerStatus(core.id(), role(core.role()), core.term(), core.leader(),
                core.commitIndex(), appliedIndex, core.lastIndex(), core.snapshotIndex(), members, config, followers(core), true);
    }

    /** Whether publishing {@code core} would give a status equal to {@code last} (members and config are set apart). */
    private boolean same(ServerStatus last, Status core, long appliedIndex) {
        if (last.term() != core.term() || last.commitIndex() != core.commitIndex() || last.appliedIndex() != appliedIndex
                || last.lastLogIndex() != core.lastIndex() || last.snapshotIndex() != core.snapshotIndex()
                || last.role() != role(core.role()) || !last.leader().equals(core.leader())
                || last.members() != members || last.config() != config) {
            return false;
        }
        Map<NodeId, ServerStatus.Follower> followers = last.followers();
        int others = 0;
        for (Map.Entry<NodeId, Status.FollowerStatus> e : core.followers().entrySet()) {
            if (e.getKey().equals(core.id())) continue;
            others++;
            ServerStatus.Follower f = followers.get(e.getKey());
            if (f == null || f.matchIndex() != e.getValue().matchIndex()) return false;
        }
        return others == followers.size();
    }

    /** On the leader, the other members' replication state, as an immutable map built once (no copy in ServerStatus). */
    private static Map<NodeId, ServerStatus.Follower> followers(Status core) {
        if (core.followers().isEmpty()) return Map.of();
        @SuppressWarnings("unchecked")
        Map.Entry<NodeId, ServerStatus.Follower>[] entries = new Map.Entry[core.followers().size()];
        int n = 0;
        for (Map.Entry<NodeId, Status.FollowerStatus> e : core.followers().entrySet()) {
            if (e.getKey().equals(core.id())) continue;
            long match = e.getValue().matchIndex();
            entries[n++] = Map.entry(e.getKey(), new ServerStatus.Follower(match, Math.max(0, core.lastIndex() - match)));
        }
        return Map.ofEntries(n == entries.length ? entries : java.util.Arrays.copyOf(entries, n));
    }

    private static ServerStatus.Role role(dev.floe.raft.core.Role role) {
        return switch (role) {
            case FOLLOWER -> ServerStatus.Role.FOLLOWER;
            case PRE_CANDIDATE -> ServerStatus.Role.PRE_CANDIDATE;
            case CANDIDATE -> ServerStatus.Role.CANDIDATE;
            case LEADER -> ServerStatus.Role.LEADER;
        };
    }

    /** The server stopped: the last status, marked not running and no longer leading. */
    void stopped(long appliedIndex) {
        ServerStatus s = current;
        current = new ServerStatus(s.id(), ServerStatus.Role.FOLLOWER, s.term(), Optional.empty(), s.commitIndex(),
                Math.max(appliedIndex, s.appliedIndex()), s.lastLogIndex(), s.snapshotIndex(), s.members(), s.config(), Map.of(), false);
    }
}
