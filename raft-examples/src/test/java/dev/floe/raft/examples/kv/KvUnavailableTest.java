package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.server.RaftServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract's answers when the cluster cannot commit: 503 without a leader, 504 when the outcome is unknown. */
class KvUnavailableTest {
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private HttpResponse<String> put(String url, String value) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .PUT(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void noLeaderGives503WithRetryAfterAndANullLeader() throws Exception {
        try (KvTestCluster cluster = new KvTestCluster(3, KvTestCluster.fastOptions()).start("n1")) {
            HttpResponse<String> r = put(cluster.url("n1") + "/v1/kv/k", "v"); // one of three: never a leader
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).contains("1");
            assertThat(Json.parse(r.body())).isEqualTo(Map.of("error", "not_leader", "leader", Optional.empty()));
        }
    }

    @Test
    void leaderCutOffFromItsFollowersGives504OutcomeUnknown() throws Exception {
        // Without checkQuorum the isolated leader keeps leading, so the write reaches its log and times out there.
        RaftServerOptions options = KvTestCluster.fastOptions().toBuilder().checkQuorum(false)
                .requestTimeout(Duration.ofSeconds(1)).build();
        try (KvTestCluster cluster = new KvTestCluster(3, options).startAll()) {
            KvNode leader = cluster.awaitLeader();
            cluster.spec.members().forEach(m -> {
                if (!m.id().equals(leader.id())) cluster.stop(m.id());
            });
            HttpResponse<String> r = put(leader.url() + "/v1/kv/k", "v");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
            assertThat(((Map<?, ?>) Json.parse(r.body())).get("error")).isEqualTo("outcome_unknown");
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(leader.url() + "/v1/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(200); // still serving
        }
    }
}
