package dev.floe.raft.examples.kv;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.ServerStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * raft-kv's operator endpoints, beside the key-value API: {@code /metrics} (Prometheus),
 * {@code /health}, {@code /health/live}, {@code /health/ready}, {@code /v1/node} (this member),
 * {@code /v1/cluster} (every member, asked over HTTP) and the {@code /ui} page that polls it.
 * Documented in {@code docs/operations.md}. Never blocks: calls to other members are asynchronous
 * with a short timeout.
 */
final class OpsApi {
    static final Set<String> PATHS = Set.of("/metrics", "/health", "/health/live", "/health/ready", "/v1/node",
            "/v1/cluster", "/ui", "/ui/");
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(1);
    private static final String HTML = "text/html; charset=utf-8";

    private final KvShards shards;
    private final RaftServer server;
    private final KvEvents events;
    private final NodeMetrics metrics;
    private final HttpClient http;
    private final String scheme;
    private final byte[] page;

    /**
     * The views of a node whose groups are {@code shards}: they speak for the first group, except
     * liveness and readiness, which need every group. Calls other members as {@code security} says
     * ({@link KvSecurity#peerHttpClient}).
     */
    OpsApi(KvShards shards, KvEvents events, NodeMetrics metrics, KvSecurity security) throws IOException {
        this.shards = shards;
        this.server = shards.first().server();
        this.events = events;
        this.metrics = metrics;
        this.http = security.peerHttpClient(PEER_TIMEOUT);
        this.scheme = security.scheme();
        try (InputStream in = OpsApi.class.getResourceAsStream("ui/index.html")) {
            if (in == null) throw new IllegalStateException("ui/index.html is missing from the jar");
            this.page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean owns(String path) {
        return PATHS.contains(path);
    }

    /** {@code params} were checked by the caller against {@link #allowedParams}. */
    CompletableFuture<Reply> handle(String path, Map<String, String> params) {
        return switch (path) {
            case "/metrics" -> done(new Reply(200, NodeMetrics.CONTENT_TYPE, Map.of(),
                    metrics.scrape().getBytes(StandardCharsets.UTF_8)));
            case "/health/live" -> {
                boolean live = shards.all().stream().allMatch(g -> g.server().status().running());
                yield done(Reply.json(live ? 200 : 503, Json.obj("live", live)));
            }
            case "/health", "/health/ready" -> ready(maxLag(params)).thenApply(h ->
                    Reply.json(Boolean.TRUE.equals(h.get("ready")) ? 200 : 503, h));
            case "/v1/node" -> done(Reply.json(200, NodeReport.of(shards, events)));
            case "/v1/cluster" -> cluster().thenApply(c -> Reply.json(200, c));
            default -> done(new Reply(200, HTML, Map.of("Cache-Control", "no-store"), page)); // /ui
        };
    }

    static Set<String> allowedParams(String path) {
        return path.equals("/health") || path.equals("/health/ready") ? Set.of("maxLag") : Set.of();
    }

    private static long maxLag(Map<String, String> params) {
        String v = params.get("maxLag");
        if (v == null) return NodeReport.DEFAULT_READY_LAG;
        try {
            long n = Long.parseLong(v);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("maxLag must be a non-negative integer, not '" + v + "'");
        }
    }

    /**
     * Readiness (docs/operations.md): running, a leader known, and this member's applied index
     * within {@code maxLag} of the leader's commit index. A follower asks the leader for it, so a
     * follower cut off from the log, or whose leader does not answer, is not ready.
     */
    private CompletableFuture<Map<String, Object>> ready(long maxLag) {
        ServerStatus s = server.status();
        if (shards.sharded()) {
            // Every other group as far as this node knows it (a leader known, applied within the bound of
            // its own commit index); the first group as below, against its leader's commit index.
            for (KvShards.Shard g : shards.all().subList(1, shards.all().size())) {
                ServerStatus gs = g.server().status();
                String reason = NodeReport.notReadyReason(gs, maxLag);
                if (!reason.isEmpty()) return done(health(gs.running(), false, "group " + g.group() + ": " + reason, -1, s));
            }
        }
        if (!s.running()) return done(health(false, false, "stopped", -1, s));
        if (s.leader().isEmpty()) return done(health(true, false, "no leader known", -1, s));
        if (s.isLeader()) return done(verdict(s.commitIndex(), maxLag, s));
        Optional<Endpoint> leaderUrl = Optional.ofNullable(s.members().get(s.leader().get()));
        if (leaderUrl.isEmpty()) return done(health(true, false, "no address for leader " + s.leader().get(), -1, s));
        return fetch(leaderUrl.get(), "/v1/node").handle((report, failure) -> {
            if (failure != null) return health(true, false, "leader " + s.leader().get() + " unreachable: " + rootMessage(failure), -1, s);
            return verdict(((Number) report.get("commitIndex")).longValue(), maxLag, s);
        });
    }

    static Map<String, Object> verdict(long leaderCommit, long maxLag, ServerStatus s) {
        long behind = Math.max(0, leaderCommit - s.appliedIndex());
        return health(true, behind <= maxLag, behind <= maxLag ? "" : "applied index " + behind + " behind the leader's commit (max "
                + maxLag + ")", leaderCommit, s);
    }

    private static Map<String, Object> health(boolean live, boolean ready, String reason, long leaderCommit, ServerStatus s) {
        return Json.obj("live", live, "ready", ready, "reason", reason, "leader", s.leader().map(NodeId::value),
                "appliedIndex", s.appliedIndex(), "leaderCommitIndex", leaderCommit < 0 ? Optional.empty() : leaderCommit);
    }

    /** Every member's {@code /v1/node}, this one's without a round trip; unreachable members say why. */
    private CompletableFuture<Map<String, Object>> cluster() {
        ServerStatus s = server.status();
        Map<String, CompletableFuture<Map<String, Object>>> asks = new LinkedHashMap<>();
        for (NodeId id : s.config().allMembers()) {
            Endpoint url = s.members().get(id);
            if (id.equals(s.id())) {
                asks.put(id.value(), done(NodeReport.of(shards, events)));
            } else if (url == null) {
                asks.put(id.value(), CompletableFuture.failedFuture(new IOException("address unknown")));
            } else {
                asks.put(id.value(), fetch(url, "/v1/node"));
            }
        }
        return CompletableFuture.allOf(asks.values().stream().map(f -> f.handle((r, e) -> null)).toArray(CompletableFuture[]::new))
                .thenApply(ignored -> {
                    List<Map<String, Object>> members = new ArrayList<>();
                    asks.forEach((id, f) -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("id", id);
                        m.put("url", Optional.ofNullable(s.members().get(NodeId.of(id))).map(e -> scheme + "://" + e));
                        try {
                            m.putAll(f.join());
                            m.put("id", id);
                            m.put("reachable", true);
                        } catch (RuntimeException e) {
                            m.put("reachable", false);
                            m.put("error", rootMessage(e));
                        }
                        members.add(m);
                    });
                    return ClusterView.of(s.id().value(), members);
                });
    }

    private CompletableFuture<Map<String, Object>> fetch(Endpoint member, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://" + member + path)).timeout(PEER_TIMEOUT).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode() + " from " + member + path);
            @SuppressWarnings("unchecked")
            Map<String, Object> body = (Map<String, Object>) Json.parse(r.body());
            return body;
        });
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        if (t instanceof java.net.ConnectException || t instanceof java.nio.channels.ClosedChannelException) {
            return "unreachable (connection refused)";
        }
        if (t instanceof java.net.http.HttpTimeoutException) return "no answer within " + PEER_TIMEOUT.toMillis() + " ms";
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
