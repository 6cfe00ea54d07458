package dev.floe.raft.server;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.core.Status;
import java.util.LinkedHashMap;
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
        Map<NodeId, ServerStatus.Follower> followers = new LinkedHashMap<>();
        core.followers().forEach((peer, f) -> {
            if (!peer.equals(core.id())) {
                followers.put(peer, new ServerStatus.Follower(f.matchIndex(), Math.max(0, core.lastIndex() - f.matchIndex())));
            }
        });
        current = new ServerStatus(core.id(), ServerStatus.Role.valueOf(core.role().name()), core.term(), core.leader(),
                core.commitIndex(), appliedIndex, core.lastIndex(), core.snapshotIndex(), members, config, followers, true);
    }

    /** The server stopped: the last status, marked not running and no longer leading. */
    void stopped(long appliedIndex) {
        ServerStatus s = current;
        current = new ServerStatus(s.id(), ServerStatus.Role.FOLLOWER, s.term(), Optional.empty(), s.commitIndex(),
                Math.max(appliedIndex, s.appliedIndex()), s.lastLogIndex(), s.snapshotIndex(), s.members(), s.config(), Map.of(), false);
    }
}
