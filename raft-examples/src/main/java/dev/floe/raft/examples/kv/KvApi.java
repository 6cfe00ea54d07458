package dev.floe.raft.examples.kv;

import dev.floe.raft.BackpressureException;
import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.LeadershipTransferException;
import dev.floe.raft.MembershipChangeException;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.ReadConsistency;
import dev.floe.raft.SessionExpiredException;
import dev.floe.raft.OutcomeUnknownException;
import dev.floe.raft.ServerClosedException;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.ServerHealth;
import dev.floe.raft.server.ServerStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * raft-kv's HTTP API, independent of Netty: maps a {@link KvRequest} to a {@link Reply}. The
 * contract is in {@code docs/raft-kv.md}.
 *
 * <p>Threads: {@link #handle} may be called from any thread and never blocks; the returned future
 * completes on the thread that completes the Raft server's future (its applier or callback thread)
 * or at once, and always completes (at the latest after the server's request timeout).
 */
public final class KvApi {
    private static final Logger LOG = LoggerFactory.getLogger(KvApi.class);
    private static final String KV = "/v1/kv";
    private static final String MEMBERS = "/v1/members";

    private final KvShards shards;
    /** The first group's server: membership, status and logs speak for the node through it. */
    private final RaftServer server;
    private final String scheme;
    private final OpsApi ops;
    /** The raft address of every member this node has heard of: the initial ones and those added through it. */
    private final Map<NodeId, Endpoint> raftAddresses = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param scheme how members' HTTP addresses are reached in redirects: {@code http} or {@code https} */
    KvApi(KvShards shards, ClusterSpec cluster, OpsApi ops, String scheme) {
        this.scheme = scheme;
        this.shards = shards;
        this.server = shards.first().server();
        this.ops = ops;
        for (Member m : cluster.members()) raftAddresses.put(m.id(), m.raft());
    }

    /** Whether {@code name} is the node id of a current member (voter or learner) of this node's group. */
    boolean isMember(String name) {
        return server.status().config().allMembers().stream().anyMatch(id -> id.value().equals(name));
    }

    /** The reply to {@code request}; never throws, never blocks. */
    public CompletableFuture<Reply> handle(KvRequest request) {
        try {
            return route(request);
        } catch (BadRequest e) {
            return done(e.reply);
        } catch (IllegalArgumentException e) {
            return done(Reply.error(400, "bad_request", e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("{}: {} {} failed", server.id(), request.method(), request.uri(), e);
            return done(Reply.error(500, "internal", e.toString()));
        }
    }

    private CompletableFuture<Reply> route(KvRequest request) {
        String path = request.rawPath();
        // HEAD is answered as GET, and the handler drops the body (RFC 9110 §9.3.2).
        String method = request.method().equals("HEAD") ? "GET" : request.method();
        if (OpsApi.owns(path)) {
            allow(request, "GET");
            return ops.handle(path, params(request, OpsApi.allowedParams(path)));
        }
        if (path.equals(KV) || path.startsWith(KV + "/")) {
            allow(request, "GET", "PUT", "DELETE");
            Bytes key = Bytes.wrap(key(path.length() > KV.length() ? path.substring(KV.length() + 1) : ""));
            Map<String, String> params = params(request, method.equals("GET") ? Set.of("consistency")
                    : method.equals("PUT") ? Set.of("prev") : Set.of());
            return switch (method) {
                case "GET" -> get(request, key, params.getOrDefault("consistency", "linearizable"));
                case "PUT" -> put(request, key, Optional.ofNullable(params.get("prev")));
                default -> delete(request, key);
            };
        }
        switch (path) {
            case "/v1/status" -> {
                allow(request, "GET");
                params(request, Set.of());
                return done(Reply.json(200, status()));
            }
            case MEMBERS -> {
                allow(request, "POST");
                RaftServer group = membershipGroup(params(request, groupParameter()));
                MemberBody body = memberBody(request.body());
                dev.floe.raft.Member member = new dev.floe.raft.Member(body.member().id(), body.member().raft(),
                        body.member().http(), body.voter());
                raftAddresses.put(member.id(), member.raft());
                CompletableFuture<ClusterConfig> change = body.voter() ? group.addVoter(member) : group.addLearner(member);
                return change.handle((config, failure) -> failure != null ? failure(failure, request)
                        : Reply.json(200, Json.obj("members", members(group))));
            }
            case "/v1/leader" -> {
                allow(request, "POST");
                Map<String, String> params = params(request, shards.sharded() ? Set.of("to", "group") : Set.of("to"));
                String to = params.get("to");
                if (to == null) throw new BadRequest(Reply.error(400, "bad_request", "?to=<member id> is required"));
                RaftServer group = params.containsKey("group") ? shard(params.get("group")).server() : server;
                NodeId target = knownMember(to, group);
                return group.transferLeadership(target).handle((done, failure) -> failure != null
                        ? failure(failure, request) : Reply.json(200, Json.obj("leader", target.value())));
            }
            case "/v1/snapshot" -> {
                allow(request, "POST");
                params(request, Set.of());
                if (shards.sharded()) return snapshotEveryGroup(request);
                return server.snapshotNow().handle((index, failure) -> failure != null
                        ? failure(failure, request) : Reply.json(200, Json.obj("snapshotIndex", index)));
            }
            default -> {
                if (path.startsWith(MEMBERS + "/") && path.endsWith("/promote")) {
                    allow(request, "POST");
                    RaftServer group = membershipGroup(params(request, groupParameter()));
                    String encoded = path.substring(MEMBERS.length() + 1, path.length() - "/promote".length());
                    NodeId id = knownMember(Percent.decode(encoded, false), group);
                    return group.promoteLearner(id).handle((config, failure) -> failure != null
                            ? failure(failure, request) : Reply.json(200, Json.obj("members", members(group))));
                }
                if (path.startsWith(MEMBERS + "/")) {
                    allow(request, "DELETE");
                    RaftServer group = membershipGroup(params(request, groupParameter()));
                    NodeId id = knownMember(Percent.decode(path.substring(MEMBERS.length() + 1), false), group);
                    return group.removeMember(id).handle((config, failure) -> failure != null
                            ? failure(failure, request) : Reply.json(200, Json.obj("members", members(group))));
                }
                return done(Reply.error(404, "no_such_path", "no resource at " + path + "; see /v1/kv/{key}, /v1/status, /ui"));
            }
        }
    }

    private CompletableFuture<Reply> get(KvRequest request, Bytes key, String consistency) {
        session(request); // validated, though a read needs no session
        KvShards.Shard shard = shards.of(key);
        switch (consistency) {
            case "stale" -> {
                return done(lookupReply(shard.machine().localGet(key)));
            }
            case "linearizable", "lease" -> {
                // A lease read skips the heartbeat round while the leader's lease holds (thesis §6.4.1),
                // and falls back to ReadIndex otherwise; both are linearizable under bounded clock drift.
                ReadConsistency level = consistency.equals("lease") ? ReadConsistency.LEASE : ReadConsistency.LINEARIZABLE;
                return shard.server().read(key, level).handle((answer, failure) -> failure != null
                        ? failure(failure, request) : lookupReply(KvStateMachine.decodeLookup(answer)));
            }
            default -> throw new BadRequest(Reply.error(400, "bad_request",
                    "consistency must be linearizable, lease or stale, not '" + consistency + "'"));
        }
    }

    private static Reply lookupReply(Optional<Bytes> value) {
        return value.map(v -> new Reply(200, Reply.TEXT, Map.of(), v.toByteArray()))
                .orElseGet(() -> Reply.error(404, "key_not_found", "no such key"));
    }

    private CompletableFuture<Reply> put(KvRequest request, Bytes key, Optional<String> prev) {
        byte[] body = request.body();
        if (!KvLimits.valueFits(body.length) || !KvLimits.valueFits(prev.map(p -> p.getBytes(StandardCharsets.UTF_8).length).orElse(0))) {
            throw new BadRequest(Reply.error(413, "value_too_large", "values are at most " + KvLimits.MAX_VALUE_BYTES + " bytes"));
        }
        Bytes value = Bytes.wrap(body);
        KvCommand command = prev.<KvCommand>map(p -> new KvCommand.PutIf(key, Bytes.utf8(p), value))
                .orElseGet(() -> new KvCommand.Put(key, value));
        return submit(request, key, command);
    }

    private CompletableFuture<Reply> delete(KvRequest request, Bytes key) {
        if (request.body().length > 0) throw new BadRequest(Reply.error(400, "bad_request", "DELETE takes no body"));
        return submit(request, key, new KvCommand.Delete(key));
    }

    private CompletableFuture<Reply> submit(KvRequest request, Bytes key, KvCommand command) {
        RaftServer server = shards.of(key).server();
        // With Client-Id and Request-Seq the write goes through Floe's exactly-once sessions (thesis
        // §6.3): a retry of the same pair is applied at most once and answered with the first result.
        // Responses are kept from sequence 1 on (up to the server's window), so a client may retry
        // any of its recent requests, in any order.
        Optional<Session> session = session(request);
        CompletableFuture<Bytes> written = session.isPresent()
                ? server.submit(session.get().clientId(), session.get().sequence(), 1, command.encode())
                : server.submit(command.encode());
        return written.handle((result, failure) -> {
            if (failure != null) return failure(failure, request);
            KvResult r = KvResult.decode(result);
            if (r instanceof KvResult.Written w) return Reply.json(200, Json.obj("index", w.index()));
            if (r instanceof KvResult.Deleted d) return Reply.json(200, Json.obj("deleted", d.existed()));
            if (r instanceof KvResult.CompareFailed f) {
                return Reply.json(412, Json.obj("error", "compare_failed", "current", f.current().map(Bytes::toUtf8)));
            }
            return Reply.error(500, "internal", ((KvResult.Rejected) r).reason());
        });
    }

    /** The exactly-once session of a write, from the Client-Id and Request-Seq headers (both or neither). */
    private static Optional<Session> session(KvRequest request) {
        Optional<String> client = request.header("Client-Id");
        Optional<String> seq = request.header("Request-Seq");
        if (client.isEmpty() && seq.isEmpty()) return Optional.empty();
        if (client.isEmpty() || seq.isEmpty()) {
            throw new BadRequest(Reply.error(400, "bad_request", "Client-Id and Request-Seq go together"));
        }
        String id = client.get().trim();
        if (id.isEmpty() || id.length() > 128) throw new BadRequest(Reply.error(400, "bad_request", "Client-Id must be 1-128 characters"));
        try {
            long n = Long.parseLong(seq.get().trim());
            if (n < 1) throw new NumberFormatException();
            return Optional.of(new Session(id, n));
        } catch (NumberFormatException e) {
            throw new BadRequest(Reply.error(400, "bad_request", "Request-Seq must be a positive integer"));
        }
    }

    /** A Client-Id and the sequence number of one of its requests. */
    record Session(String clientId, long sequence) {
    }

    /** Maps a failed Raft future to the HTTP contract. */
    private Reply failure(Throwable t, KvRequest request) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof NotLeaderException e) return notLeader(e.leader(), e.leaderEndpoint(), request);
        if (cause instanceof BackpressureException) {
            return Reply.error(503, "overloaded", cause.getMessage()).withHeader("Retry-After", "1");
        }
        if (cause instanceof MembershipChangeException e) {
            return Reply.json(409, Json.obj("error", "membership_change_refused", "reason", e.reason().name().toLowerCase(Locale.ROOT),
                    "detail", e.getMessage()));
        }
        if (cause instanceof LeadershipTransferException e) {
            return Reply.json(409, Json.obj("error", "transfer_failed", "reason", e.reason().name().toLowerCase(Locale.ROOT),
                    "detail", e.getMessage()));
        }
        if (cause instanceof SessionExpiredException) return Reply.error(409, "session_expired", cause.getMessage());
        if (cause instanceof IllegalStateException) return Reply.error(409, "conflict", cause.getMessage());
        if (cause instanceof OutcomeUnknownException) return Reply.error(504, "outcome_unknown", cause.getMessage());
        if (cause instanceof TimeoutException) return Reply.error(504, "timeout", "the read was not served in time");
        if (cause instanceof ServerClosedException) {
            return Reply.error(503, "unavailable", cause.getMessage()).withHeader("Retry-After", "1");
        }
        LOG.warn("{}: {} {} failed", server.id(), request.method(), request.uri(), cause);
        return Reply.error(500, "internal", cause.toString());
    }

    /** 307 to the leader's same URL when it is known, else 503: the client retries there. */
    private Reply notLeader(Optional<NodeId> leader, Optional<Endpoint> endpoint, KvRequest request) {
        Reply body = Reply.json(leader.isPresent() && endpoint.isPresent() ? 307 : 503,
                Json.obj("error", "not_leader", "leader", leader.map(NodeId::value)));
        if (body.status() == 307) return body.withHeader("Location", scheme + "://" + endpoint.get() + request.uri());
        return body.withHeader("Retry-After", "1");
    }

    /** The members of the configuration in force, voters first, as {@code {"id","raft","http","voter"}}. */
    private List<Object> members(RaftServer group) {
        ServerStatus s = group.status();
        List<Object> members = new ArrayList<>();
        for (NodeId id : s.config().allMembers()) {
            members.add(Json.obj("id", id.value(), "raft", Optional.ofNullable(raftAddresses.get(id)).map(Endpoint::toString),
                    "http", Optional.ofNullable(s.members().get(id)).map(Endpoint::toString), "voter", s.isVoter(id)));
        }
        return members;
    }

    private Map<String, Object> status() {
        ServerStatus s = server.status();
        ServerHealth health = server.health();
        List<Object> members = members(server);
        Map<String, Object> status = Json.obj("id", s.id().value(), "role", s.role().name().toLowerCase(Locale.ROOT), "term", s.term(),
                "leader", s.leader().map(NodeId::value), "commitIndex", s.commitIndex(),
                "appliedIndex", s.appliedIndex(), "lastLogIndex", s.lastLogIndex(),
                "snapshotIndex", s.snapshotIndex(), "members", members,
                "health", health.state().name().toLowerCase(Locale.ROOT), "problem", health.problem());
        if (shards.sharded()) {
            // The top-level fields are the first group's; each group's own state follows.
            List<Object> groups = new ArrayList<>();
            for (KvShards.Shard shard : shards.all()) {
                ServerStatus g = shard.server().status();
                ServerHealth h = shard.server().health();
                groups.add(Json.obj("group", shard.group().value(), "role", g.role().name().toLowerCase(Locale.ROOT),
                        "term", g.term(), "leader", g.leader().map(NodeId::value), "commitIndex", g.commitIndex(),
                        "appliedIndex", g.appliedIndex(), "lastLogIndex", g.lastLogIndex(), "snapshotIndex", g.snapshotIndex(),
                        "health", h.state().name().toLowerCase(Locale.ROOT)));
            }
            status.put("groups", groups);
        }
        return status;
    }

    /** The query parameters a membership change takes: {@code group} when this node runs several groups. */
    private Set<String> groupParameter() {
        return shards.sharded() ? Set.of("group") : Set.of();
    }

    /**
     * The group a membership change applies to. Membership is per group (each group is its own Raft
     * configuration, changed through its own leader), so with several groups the caller names one;
     * {@code raft-kv admin members ... --all-groups} changes each in turn.
     */
    private RaftServer membershipGroup(Map<String, String> params) {
        if (!shards.sharded()) return server;
        String group = params.get("group");
        if (group == null) {
            throw new BadRequest(Reply.error(400, "group_required", "membership is per group on a node started with --groups "
                    + shards.all().size() + ": name one with ?group=<id> (" + shards.first().group() + ".."
                    + shards.all().get(shards.all().size() - 1).group() + "); `raft-kv admin members ... --all-groups` changes every group"));
        }
        return shard(group).server();
    }

    private KvShards.Shard shard(String group) {
        return shards.named(group).orElseThrow(() -> new BadRequest(Reply.error(404, "no_such_group", "no group '" + group + "' on this node")));
    }

    /** Snapshots every group this node runs; answers with each group's snapshot index. */
    private CompletableFuture<Reply> snapshotEveryGroup(KvRequest request) {
        Map<String, CompletableFuture<Long>> taken = new java.util.LinkedHashMap<>();
        for (KvShards.Shard shard : shards.all()) taken.put(shard.group().value(), shard.server().snapshotNow());
        return CompletableFuture.allOf(taken.values().toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
            if (failure != null) return failure(failure, request);
            Map<String, Object> indexes = new java.util.LinkedHashMap<>();
            taken.forEach((group, index) -> indexes.put(group, index.join()));
            return Reply.json(200, Json.obj("snapshotIndex", indexes.get(shards.first().group().value()), "groups", indexes));
        });
    }

    /** A parsed {@code POST /v1/members} body. */
    private record MemberBody(Member member, boolean voter) {
    }

    private static MemberBody memberBody(byte[] body) {
        Object parsed;
        try {
            parsed = Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(Reply.error(400, "malformed_json", e.getMessage()));
        }
        if (!(parsed instanceof Map<?, ?> m)) throw new BadRequest(Reply.error(400, "bad_request", "expected a JSON object"));
        for (Object k : m.keySet()) {
            if (!Set.of("id", "raft", "http", "voter").contains(k)) {
                throw new BadRequest(Reply.error(400, "bad_request", "unknown field \"" + k + "\""));
            }
        }
        String id = text(m, "id");
        Object voter = m.containsKey("voter") ? m.get("voter") : Boolean.TRUE;
        if (!(voter instanceof Boolean)) throw new BadRequest(Reply.error(400, "bad_request", "\"voter\" must be true or false"));
        try {
            return new MemberBody(new Member(nodeId(id), Endpoint.parse(text(m, "raft")), Endpoint.parse(text(m, "http"))),
                    (Boolean) voter);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(Reply.error(400, "bad_request", e.getMessage()));
        }
    }

    private static String text(Map<?, ?> m, String field) {
        if (!(m.get(field) instanceof String s)) {
            throw new BadRequest(Reply.error(400, "bad_request", "\"" + field + "\" must be a string"));
        }
        return s;
    }

    private static NodeId nodeId(String text) {
        try {
            return NodeId.of(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(Reply.error(400, "bad_request", e.getMessage()));
        }
    }

    /** {@code text} as the id of a member of {@code group}'s configuration, or 404. */
    private NodeId knownMember(String text, RaftServer group) {
        NodeId id = nodeId(text);
        if (!group.status().config().contains(id)) throw new BadRequest(Reply.error(404, "no_such_member", id + " is not a member"));
        return id;
    }

    private static byte[] key(String encoded) {
        String key;
        try {
            key = Percent.decode(encoded, false);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(Reply.error(400, "malformed_url", e.getMessage()));
        }
        try {
            return KvLimits.checkKey(key);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(Reply.error(400, key.isEmpty() ? "empty_key" : "key_too_large", e.getMessage()));
        }
    }

    private static Map<String, String> params(KvRequest request, Set<String> allowed) {
        Map<String, String> params;
        try {
            params = Percent.query(request.rawQuery());
        } catch (IllegalArgumentException e) {
            throw new BadRequest(Reply.error(400, "malformed_url", e.getMessage()));
        }
        for (String name : params.keySet()) {
            if (!allowed.contains(name)) {
                throw new BadRequest(Reply.error(400, "bad_request", "unknown query parameter '" + name + "'"
                        + (allowed.isEmpty() ? "" : "; expected " + allowed)));
            }
        }
        return params;
    }

    private static void allow(KvRequest request, String... allowed) {
        String method = request.method().equals("HEAD") ? "GET" : request.method();
        for (String a : allowed) if (a.equals(method)) return;
        java.util.List<String> methods = new java.util.ArrayList<>(java.util.List.of(allowed));
        if (methods.contains("GET")) methods.add(methods.indexOf("GET") + 1, "HEAD");
        throw new BadRequest(Reply.error(405, "method_not_allowed", request.method() + " is not allowed here")
                .withHeader("Allow", String.join(", ", methods)));
    }

    private static CompletableFuture<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    /** A request refused before it reached Raft, with the reply to send. */
    private static final class BadRequest extends RuntimeException {
        private final transient Reply reply;

        BadRequest(Reply reply) {
            super(null, null, false, false);
            this.reply = reply;
        }
    }
}
