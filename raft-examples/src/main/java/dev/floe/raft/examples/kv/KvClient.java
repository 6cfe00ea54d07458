package dev.floe.raft.examples.kv;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small blocking HTTP client for raft-kv, as a program would write one: it sends a request to one
 * of the given nodes, follows {@code 307} redirects to the leader, waits out {@code 503} (no leader
 * yet) and moves on to the next node when one does not answer, until its deadline. A {@code 504}
 * is reported as {@link OutcomeUnknown}: the write may or may not have been applied.
 *
 * <p>Thread-safe; each call blocks its caller up to the deadline given at construction.
 */
public final class KvClient {
    private final List<String> nodes;
    private final Duration deadline;
    private final HttpClient http;
    private final Optional<String> token;

    /** @param nodes base URLs like {@code http://127.0.0.1:8001}; tried in order, starting with the first */
    public KvClient(List<String> nodes, Duration deadline) {
        this(nodes, deadline, HttpClient.newBuilder(), Optional.empty());
    }

    /**
     * For a secured cluster (docs/security.md): {@code https} URLs verified with {@code ssl}
     * (see {@link KvSecurity#clientContext}), and a bearer token sent with every request.
     */
    public KvClient(List<String> nodes, Duration deadline, javax.net.ssl.SSLContext ssl, Optional<String> token) {
        this(nodes, deadline, HttpClient.newBuilder().sslContext(ssl), token);
    }

    private KvClient(List<String> nodes, Duration deadline, HttpClient.Builder http, Optional<String> token) {
        if (nodes.isEmpty()) throw new IllegalArgumentException("no nodes given");
        this.nodes = List.copyOf(nodes);
        this.deadline = deadline;
        this.token = token;
        this.http = http.connectTimeout(Duration.ofSeconds(1)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The result of a request that got a final answer, and the URLs it went through to get it. */
    public record Answer(int status, String body, List<String> path) {
        /** The body parsed as JSON. */
        public Map<?, ?> json() {
            return (Map<?, ?>) Json.parse(body);
        }
    }

    /** A write answered with 504: it may have been applied, or may be later. */
    public static final class OutcomeUnknown extends IOException {
        public OutcomeUnknown(String message) {
            super(message);
        }
    }

    /** {@code PUT /v1/kv/{key}}; the answer is 200 with the index (or 412 for a failed compare). */
    public Answer put(String key, String value) throws IOException, InterruptedException {
        return send("PUT", kvPath(key), value);
    }

    /** {@code DELETE /v1/kv/{key}}. */
    public Answer delete(String key) throws IOException, InterruptedException {
        return send("DELETE", kvPath(key), "");
    }

    /** {@code GET /v1/kv/{key}?consistency=...} sent to {@code node} only (stale reads are per node). */
    public Optional<String> get(String node, String key, String consistency) throws IOException, InterruptedException {
        Answer a = sendTo(List.of(node), "GET", kvPath(key) + "?consistency=" + consistency, "");
        if (a.status() == 404) return Optional.empty();
        if (a.status() != 200) throw new IOException("GET " + key + " on " + node + ": " + a.status() + " " + a.body());
        return Optional.of(a.body());
    }

    /** {@code GET /v1/status} of {@code node}, parsed. */
    public Map<?, ?> status(String node) throws IOException, InterruptedException {
        return sendTo(List.of(node), "GET", "/v1/status", "").json();
    }

    /** Sends to the nodes in order, following redirects and retrying, until a final answer or the deadline. */
    public Answer send(String method, String pathAndQuery, String body) throws IOException, InterruptedException {
        return sendTo(nodes, method, pathAndQuery, body);
    }

    /** Like {@link #send}, to node {@code base} (such as {@code https://127.0.0.1:8081}) only. */
    public Answer sendTo(String base, String method, String pathAndQuery, String body) throws IOException, InterruptedException {
        return sendTo(List.of(base), method, pathAndQuery, body);
    }

    private Answer sendTo(List<String> bases, String method, String pathAndQuery, String body)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        List<String> path = new ArrayList<>();
        int next = 0;
        String url = bases.get(0) + pathAndQuery;
        IOException last = null;
        while (System.nanoTime() - end < 0) {
            path.add(url);
            HttpResponse<String> response;
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(6))
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
                token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) { // node down: the next one
                last = e;
                next = (next + 1) % bases.size();
                url = bases.get(next) + pathAndQuery;
                Thread.sleep(50);
                continue;
            }
            int status = response.statusCode();
            if (status == 307) {
                url = response.headers().firstValue("Location").orElseThrow(() -> new IOException("307 without Location"));
            } else if (status == 503) {
                Thread.sleep(100); // an election is running: Retry-After says 1 s, a demo is more impatient
                url = bases.get(next) + pathAndQuery;
            } else if (status == 504) {
                throw new OutcomeUnknown(method + " " + pathAndQuery + ": " + response.body());
            } else {
                return new Answer(status, response.body(), List.copyOf(path));
            }
        }
        throw new IOException(method + " " + pathAndQuery + " got no answer within " + deadline
                + (last == null ? "" : " (last error: " + last + ")"));
    }

    /** {@code /v1/kv/} and the key, percent-encoded. */
    public static String kvPath(String key) {
        return "/v1/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
