package dev.floe.raft.examples.kv;

import dev.floe.raft.testkit.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP contract of docs/raft-kv.md, over real HTTP, against a 3-node cluster in this JVM. */
class KvHttpContractTest {
    private static KvTestCluster cluster;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = new KvTestCluster(3, KvTestCluster.fastOptions()).startAll();
    }

    /** The current leader's URL (leadership can move on a loaded machine, so each test asks). */
    private static String leaderUrl() {
        return cluster.url(cluster.awaitLeader().id().value());
    }

    private static String followerUrl() {
        return cluster.url(cluster.follower().id().value());
    }

    /** Sends like {@link #send}, following 307s and waiting out 503s, for checks that are not about redirects. */
    private HttpResponse<String> write(String method, String url, String body, String... headers) throws Exception {
        return KvTestCluster.await(Duration.ofSeconds(10), method + " " + url, () -> {
            try {
                HttpResponse<String> r = send(method, url, body, headers);
                for (int hops = 0; r.statusCode() == 307 && hops < 3; hops++) {
                    r = send(method, r.headers().firstValue("Location").orElseThrow(), body, headers);
                }
                return r.statusCode() == 307 || r.statusCode() == 503 ? Optional.empty() : Optional.of(r);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    private HttpResponse<String> send(String method, String url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> r) {
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        return (Map<String, Object>) Json.parse(r.body());
    }

    @Test
    void putGetDeleteOnTheLeader() throws Exception {
        String leader = leaderUrl();
        String follower = followerUrl();
        HttpResponse<String> put = write("PUT", leader + "/v1/kv/alpha", "one");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(json(put).keySet()).containsExactly("index");
        assertThat((Long) json(put).get("index")).isPositive();

        HttpResponse<String> get = send("GET", leader + "/v1/kv/alpha", "");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("one");

        assertThat(json(write("DELETE", leader + "/v1/kv/alpha", ""))).isEqualTo(Map.of("deleted", true));
        assertThat(json(write("DELETE", leader + "/v1/kv/alpha", ""))).isEqualTo(Map.of("deleted", false));
        HttpResponse<String> gone = send("GET", leader + "/v1/kv/alpha", "");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(json(gone).get("error")).isEqualTo("key_not_found");
    }

    @Test
    void headAnswersAsGetWithoutTheBody() throws Exception {
        String leader = leaderUrl();
        assertThat(write("PUT", leader + "/v1/kv/headed", "twelve bytes").statusCode()).isEqualTo(200);

        HttpResponse<String> head = send("HEAD", leader + "/v1/kv/headed", "");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).contains("12");
        assertThat(head.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
        assertThat(head.body()).isEmpty();
        assertThat(send("HEAD", leader + "/v1/kv/never-written", "").statusCode()).isEqualTo(404);
        assertThat(send("HEAD", leader + "/v1/status", "").statusCode()).isEqualTo(200);
        HttpResponse<String> refused = send("HEAD", leader + "/v1/snapshot", "");
        assertThat(refused.statusCode()).isEqualTo(405);
        assertThat(refused.headers().firstValue("Allow")).contains("POST");
        // The connection stays usable: the next answer is not mistaken for a HEAD body.
        assertThat(send("GET", leader + "/v1/kv/headed", "").body()).isEqualTo("twelve bytes");
    }

    @Test
    void urlEncodedKeysAndUtf8Values() throws Exception {
        String leader = leaderUrl();
        String follower = followerUrl();
        String value = "grüße, 世界";
        assertThat(write("PUT", leader + "/v1/kv/a%2Fb%20c%C3%A9", value).statusCode()).isEqualTo(200);
        assertThat(send("GET", leader + "/v1/kv/a%2Fb%20c%C3%A9", "").body()).isEqualTo(value);
        assertThat(send("GET", leader + "/v1/kv/a/b%20c%C3%A9", "").body()).isEqualTo(value); // '/' need not be escaped
    }

    @Test
    void compareAndSet() throws Exception {
        String leader = leaderUrl();
        String follower = followerUrl();
        write("PUT", leader + "/v1/kv/cas", "red");
        HttpResponse<String> failed = write("PUT", leader + "/v1/kv/cas?prev=green", "blue");
        assertThat(failed.statusCode()).isEqualTo(412);
        assertThat(json(failed)).isEqualTo(Map.of("error", "compare_failed", "current", "red"));

        HttpResponse<String> absent = write("PUT", leader + "/v1/kv/cas-absent?prev=x", "y");
        assertThat(absent.statusCode()).isEqualTo(412);
        assertThat(json(absent)).containsEntry("current", Optional.empty());

        assertThat(write("PUT", leader + "/v1/kv/cas?prev=red", "blue").statusCode()).isEqualTo(200);
        assertThat(send("GET", leader + "/v1/kv/cas", "").body()).isEqualTo("blue");
    }

    @Test
    void followerRedirectsWritesToTheLeadersSameUrl() throws Exception {
        String leader = leaderUrl();
        String follower = followerUrl();
        HttpResponse<String> r = send("PUT", follower + "/v1/kv/redirected?prev=x", "v");
        assertThat(r.statusCode()).isEqualTo(307);
        assertThat(r.headers().firstValue("Location")).contains(leader + "/v1/kv/redirected?prev=x");
        String leaderId = cluster.awaitLeader().id().value();
        assertThat(json(r)).isEqualTo(Map.of("error", "not_leader", "leader", leaderId));

        HttpResponse<String> del = send("DELETE", follower + "/v1/kv/redirected", "");
        assertThat(del.statusCode()).isEqualTo(307);
        assertThat(send("PUT", r.headers().firstValue("Location").orElseThrow().replace("?prev=x", ""), "v").statusCode())
                .isEqualTo(200);
    }

    @Test
    void readsOnAFollowerAtEveryConsistency() throws Exception {
        String leader = leaderUrl();
        String follower = followerUrl();
        int index = ((Long) json(write("PUT", leader + "/v1/kv/read-me", "fresh")).get("index")).intValue();
        assertThat(send("GET", follower + "/v1/kv/read-me", "").body()).isEqualTo("fresh"); // linearizable: no redirect
        assertThat(send("GET", follower + "/v1/kv/read-me?consistency=linearizable", "").body()).isEqualTo("fresh");
        assertThat(send("GET", follower + "/v1/kv/read-me?consistency=lease", "").body()).isEqualTo("fresh");
        KvTestCluster.await(Duration.ofSeconds(5), "the follower to apply " + index, () -> {
            try {
                HttpResponse<String> r = send("GET", follower + "/v1/kv/read-me?consistency=stale", "");
                return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(send("GET", follower + "/v1/kv/nope?consistency=stale", "").statusCode()).isEqualTo(404);
        assertThat(send("GET", follower + "/v1/kv/x?consistency=eventual", "").statusCode()).isEqualTo(400);
    }

    @Test
    void statusHasExactlyTheDocumentedFields() throws Exception {
        String leader = leaderUrl();
        String follower = followerUrl();
        for (String url : List.of(leader, follower)) {
            HttpResponse<String> r = send("GET", url + "/v1/status", "");
            assertThat(r.statusCode()).isEqualTo(200);
            Map<String, Object> s = json(r);
            assertThat(s.keySet()).containsExactly("id", "role", "term", "leader", "commitIndex", "appliedIndex",
                    "lastLogIndex", "snapshotIndex", "members", "health", "problem");
            assertThat(s.get("health")).isEqualTo("running");
            assertThat(s.get("problem")).isEqualTo(java.util.Optional.empty()); // JSON null
            assertThat(s.get("role")).isEqualTo(url.equals(leader) ? "leader" : "follower");
            assertThat(s.get("leader")).isEqualTo(cluster.awaitLeader().id().value());
            List<?> members = (List<?>) s.get("members");
            assertThat(members).hasSize(3);
            @SuppressWarnings("unchecked")
            Map<String, Object> first = (Map<String, Object>) members.get(0);
            assertThat(first.keySet()).containsExactly("id", "raft", "http", "voter");
            assertThat(first.get("http")).isEqualTo(cluster.url("n1").substring("http://".length()));
        }
    }

    @Test
    void sessionHeadersAreChecked() throws Exception {
        String leader = leaderUrl();
        String follower = followerUrl();
        assertThat(write("PUT", leader + "/v1/kv/s", "1", "Client-Id", "c1", "Request-Seq", "1").statusCode()).isEqualTo(200);
        HttpResponse<String> alone = write("PUT", leader + "/v1/kv/s", "1", "Client-Id", "c1");
        assertThat(alone.statusCode()).isEqualTo(400);
        assertThat(json(alone).get("error")).isEqualTo("bad_request");
        assertThat(write("PUT", leader + "/v1/kv/s", "1", "Client-Id", "c1", "Request-Seq", "x").statusCode()).isEqualTo(400);
    }

    @Test
    void aRetriedWriteWithTheSameClientIdAndSeqIsAppliedOnceAndGetsItsFirstResult() throws Exception {
        String leader = leaderUrl();
        HttpResponse<String> first = write("PUT", leader + "/v1/kv/once", "v1", "Client-Id", "retrier", "Request-Seq", "1");
        assertThat(first.statusCode()).isEqualTo(200);
        HttpResponse<String> second = write("PUT", leader + "/v1/kv/once", "v2", "Client-Id", "retrier", "Request-Seq", "2");
        assertThat(second.statusCode()).isEqualTo(200);
        // Both retried, out of order, with different bodies: each gets its first answer, nothing is applied again.
        HttpResponse<String> retryOfFirst = write("PUT", leader + "/v1/kv/once", "other", "Client-Id", "retrier", "Request-Seq", "1");
        assertThat(retryOfFirst.statusCode()).isEqualTo(200);
        assertThat(json(retryOfFirst)).isEqualTo(json(first));
        HttpResponse<String> retryOfSecond = write("PUT", leader + "/v1/kv/once", "other", "Client-Id", "retrier", "Request-Seq", "2");
        assertThat(json(retryOfSecond)).isEqualTo(json(second));
        assertThat(send("GET", leader + "/v1/kv/once", "").body()).isEqualTo("v2");
        // Another client with the same sequence number is a different command.
        HttpResponse<String> otherClient = write("PUT", leader + "/v1/kv/once", "v3", "Client-Id", "someone-else", "Request-Seq", "1");
        assertThat((Long) json(otherClient).get("index")).isGreaterThan((Long) json(second).get("index"));
        assertThat(send("GET", leader + "/v1/kv/once?consistency=lease", "").body()).isEqualTo("v3");
    }

    @Test
    void badInputGets4xxWithAJsonErrorAndTheNodeKeepsServing() throws Exception {
        String leader = leaderUrl();
        String follower = followerUrl();
        String big = "k".repeat(KvLimits.MAX_KEY_BYTES + 1);
        assertError(write("PUT", leader + "/v1/kv/", "v"), 400, "empty_key");
        assertError(send("PUT", leader + "/v1/kv", "v"), 400, "empty_key");
        assertError(write("PUT", leader + "/v1/kv/" + big, "v"), 400, "key_too_large");
        assertThat(write("PUT", leader + "/v1/kv/" + big.substring(1), "v").statusCode()).isEqualTo(200); // exactly the limit
        assertError(write("PUT", leader + "/v1/kv/toolarge", "x".repeat(KvLimits.MAX_VALUE_BYTES + 1)), 413, "value_too_large");
        assertThat(write("PUT", leader + "/v1/kv/max", "x".repeat(KvLimits.MAX_VALUE_BYTES)).statusCode()).isEqualTo(200);
        assertRawError("GET /v1/kv/bad%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400, "malformed_url");
        assertError(send("GET", leader + "/v1/kv/bad%C3%28", ""), 400, "malformed_url"); // not UTF-8
        assertRawError("GET /v1/kv/k?consistency=% HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400, "malformed_url");
        assertError(send("GET", leader + "/v1/kv/k?color=red", ""), 400, "bad_request");
        assertError(send("GET", leader + "/v2/kv/k", ""), 404, "no_such_path");
        assertError(send("GET", leader + "/", ""), 404, "no_such_path");
        HttpResponse<String> post = send("POST", leader + "/v1/kv/k", "v");
        assertError(post, 405, "method_not_allowed");
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD, PUT, DELETE");
        assertError(send("PUT", leader + "/v1/status", ""), 405, "method_not_allowed");
        assertError(send("POST", leader + "/v1/members", "{\"id\":"), 400, "malformed_json");
        assertError(send("POST", leader + "/v1/members", "[1,2]"), 400, "bad_request");
        assertError(send("POST", leader + "/v1/members", "{\"id\":\"n4\",\"raft\":\"h:1\",\"http\":\"h:2\",\"voter\":\"yes\"}"), 400, "bad_request");
        assertError(send("POST", leader + "/v1/members", "{\"id\":\"bad id\",\"raft\":\"h:1\",\"http\":\"h:2\"}"), 400, "bad_request");
        assertError(send("POST", leader + "/v1/leader", ""), 400, "bad_request");
        assertError(send("POST", leader + "/v1/leader?to=n9", ""), 404, "no_such_member");
        assertRawError("GARBAGE\r\n\r\n", 400, "malformed_request");
        // RFC 9112 §3.2.2: the absolute form names the same resource as the origin form.
        assertRawError("GET http://x/v1/kv/never-there HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404, "key_not_found");

        assertThat(write("PUT", leader + "/v1/kv/after-bad-input", "still here").statusCode()).isEqualTo(200);
        assertThat(send("GET", follower + "/v1/kv/after-bad-input", "").body()).isEqualTo("still here");
    }

    @Test
    void snapshotMembershipAndLeadershipTransfer() throws Exception {
        String leader = leaderUrl();
        write("PUT", leader + "/v1/kv/snap", "shot");
        HttpResponse<String> snap = send("POST", leader + "/v1/snapshot", "");
        assertThat(snap.statusCode()).as(snap.body()).isEqualTo(200);
        assertThat((Long) json(snap).get("snapshotIndex")).isPositive();

        HttpResponse<String> added = write("POST", leader + "/v1/members",
                "{\"id\":\"n9\",\"raft\":\"127.0.0.1:" + FreePorts.next() + "\",\"http\":\"127.0.0.1:9\",\"voter\":false}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(added.body()).contains("{\"id\":\"n9\",\"raft\":\"127.0.0.1:").contains("\"http\":\"127.0.0.1:9\",\"voter\":false}");
        HttpResponse<String> again = write("POST", leader + "/v1/members",
                "{\"id\":\"n9\",\"raft\":\"127.0.0.1:1\",\"http\":\"127.0.0.1:2\",\"voter\":false}");
        assertError(again, 409, "membership_change_refused");
        HttpResponse<String> removed = write("DELETE", leader + "/v1/members/n9", "");
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(removed.body()).doesNotContain("n9");
        assertError(send("DELETE", leader + "/v1/members/n9", ""), 404, "no_such_member");

        String from = cluster.awaitLeader().id().value();
        String to = from.equals("n1") ? "n2" : "n1";
        HttpResponse<String> moved = write("POST", leader + "/v1/leader?to=" + to, "");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        assertThat(json(moved)).isEqualTo(Map.of("leader", to));
        KvTestCluster.await(Duration.ofSeconds(10), to + " to lead", () ->
                cluster.awaitLeader().id().value().equals(to) ? Optional.of(true) : Optional.empty());
    }

    private static void assertError(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(json(r).get("error")).isEqualTo(error);
    }

    /** Sends raw bytes (a request no HTTP client would produce) and checks the response by hand. */
    private void assertRawError(String request, int status, String error) throws IOException {
        URI uri = URI.create(leaderUrl());
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // the server closes
            assertThat(response).startsWith("HTTP/1.1 " + status + " ").containsIgnoringCase("content-type: application/json");
            Map<?, ?> body = (Map<?, ?>) Json.parse(response.substring(response.indexOf("\r\n\r\n") + 4));
            assertThat(body.get("error")).isEqualTo(error);
        }
    }
}
