package dev.floe.raft.examples.kv;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.ServerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON of {@code GET /v1/node}: one member's status, its followers' replication (on the
 * leader), its local health, long work in progress and recent events. What {@code admin status},
 * {@code /v1/cluster} and {@code /ui} are built from.
 */
final class NodeReport {
    /** Applied entries a member may trail the leader's commit by and still be ready (see docs/operations.md). */
    static final long DEFAULT_READY_LAG = 1000;

    private NodeReport() {
    }

    /**
     * The report of a node whose groups are {@code shards}: the first group's, plus (with several
     * groups) {@code "groups"}, one entry per group with this node's role and progress in it.
     */
    static Map<String, Object> of(KvShards shards, KvEvents events) {
        Map<String, Object> report = of(shards.first().server(), events);
        if (shards.sharded()) {
            List<Object> groups = new ArrayList<>();
            for (KvShards.Shard shard : shards.all()) {
                ServerStatus g = shard.server().status();
                groups.add(Json.obj("group", shard.group().value(), "role", g.role().name().toLowerCase(Locale.ROOT),
                        "term", g.term(), "leader", g.leader().map(NodeId::value), "commitIndex", g.commitIndex(),
                        "appliedIndex", g.appliedIndex(), "running", g.running()));
            }
            report.put("groups", groups);
        }
        return report;
    }

    static Map<String, Object> of(RaftServer server, KvEvents events) {
        ServerStatus s = server.status();
        List<Object> followers = new ArrayList<>();
        s.followers().forEach((id, f) -> followers.add(Json.obj("id", id.value(), "matchIndex", f.matchIndex(), "lag", f.lag())));
        List<Object> members = new ArrayList<>();
        for (NodeId id : s.config().allMembers()) {
            members.add(Json.obj("id", id.value(), "http", Optional.ofNullable(s.members().get(id)).map(Endpoint::toString),
                    "voter", s.isVoter(id)));
        }
        return Json.obj("id", s.id().value(), "running", s.running(), "role", s.role().name().toLowerCase(Locale.ROOT),
                "term", s.term(), "leader", s.leader().map(NodeId::value),
                "commitIndex", s.commitIndex(), "appliedIndex", s.appliedIndex(), "lastLogIndex", s.lastLogIndex(),
                "snapshotIndex", s.snapshotIndex(), "members", members, "followers", followers,
                "health", localHealth(s), "work", events.work().stream().map(KvEvents.Work::json).toList(),
                "events", events.recent().stream().map(KvEvents.Event::json).toList());
    }

    /** Why {@code s} is not ready as far as it knows (applied more than {@code maxLag} behind its commit index); empty when ready. */
    static String notReadyReason(ServerStatus s, long maxLag) {
        return !s.running() ? "stopped" : s.leader().isEmpty() ? "no leader known"
                : s.commitIndex() - s.appliedIndex() > maxLag ? "applying: " + (s.commitIndex() - s.appliedIndex()) + " behind"
                : "";
    }

    /**
     * Health as far as this member knows without asking anyone: live while running; ready while
     * it also knows a leader and has applied all but {@link #DEFAULT_READY_LAG} of what it knows committed.
     */
    static Map<String, Object> localHealth(ServerStatus s) {
        String reason = notReadyReason(s, DEFAULT_READY_LAG);
        return Json.obj("live", s.running(), "ready", reason.isEmpty(), "reason", reason);
    }
}
