package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.ServerStatus;
import dev.floe.raft.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** raft-kv's operator endpoints: /metrics, /health (liveness and readiness), /v1/node, /v1/cluster and /ui. */
class KvOpsTest {
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void put(String url, String value) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .PUT(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> r) {
        return (Map<String, Object>) Json.parse(r.body());
    }

    @Test
    void metricsArePrometheusTextWithFloeStorageTransportAndJvmMeters() throws Exception {
        try (KvTestCluster cluster = new KvTestCluster(3, KvTestCluster.fastOptions()).startAll()) {
            KvNode leader = cluster.awaitLeader();
            for (int i = 0; i < 5; i++) put(leader.url() + "/v1/kv/k" + i, "v");
            String tags = "group=\"raft-kv\",member=\"" + leader.id() + "\"";
            String text = Await.value(Duration.ofSeconds(10), "a scrape after the report", () -> {
                try {
                    String body = get(leader.url() + "/metrics").body();
                    // Follower gauges come with the leader's periodic report, about a second after it was elected.
                    return body.contains("floe_raft_leader{" + tags + "} 1.0") && body.contains("floe_raft_follower_lag{" + tags)
                            ? Optional.of(body) : Optional.empty();
                } catch (Exception e) {
                    return Optional.empty();
                }
            });
            HttpResponse<String> r = get(leader.url() + "/metrics");
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
            assertThat(text).contains("# TYPE floe_raft_commit_index gauge", "floe_raft_commit_latency_seconds_count{" + tags,
                    "floe_raft_elections_total{cause=\"no_leader\"," + tags, "floe_raft_follower_lag{" + tags,
                    "floe_storage_fsync_seconds_count{" + tags, "floe_storage_entries_written_total{" + tags,
                    "floe_transport_messages_sent_total{" + tags, "floe_transport_messages_dropped_total{" + tags,
                    "jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds");
        }
    }

    @Test
    void healthIsLiveWhileRunningAndReadyOnlyWithALeaderAndCaughtUp() throws Exception {
        try (KvTestCluster cluster = new KvTestCluster(3, KvTestCluster.fastOptions()).start("n1")) {
            // One of three: it runs (live) but never learns a leader (not ready).
            assertThat(get(cluster.url("n1") + "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> alone = get(cluster.url("n1") + "/health/ready");
            assertThat(alone.statusCode()).isEqualTo(503);
            assertThat(json(alone)).containsEntry("live", true).containsEntry("ready", false).containsEntry("reason", "no leader known");

            cluster.startAll();
            KvNode leader = cluster.awaitLeader();
            put(leader.url() + "/v1/kv/a", "1");
            KvNode follower = cluster.follower();
            HttpResponse<String> ready = get(follower.url() + "/health");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(json(ready)).containsEntry("ready", true).containsEntry("leader", leader.id().value());
            assertThat(((Number) json(ready).get("leaderCommitIndex")).longValue()).isGreaterThanOrEqualTo(1);
            assertThat(get(leader.url() + "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(follower.url() + "/health?maxLag=x").statusCode()).isEqualTo(400);

            // A stopped Raft server is not live, though its HTTP listener still answers.
            follower.server().close();
            HttpResponse<String> stopped = get(follower.url() + "/health/live");
            assertThat(stopped.statusCode()).isEqualTo(503);
            assertThat(json(stopped)).containsEntry("live", false);
            assertThat(json(get(follower.url() + "/health"))).containsEntry("ready", false).containsEntry("reason", "stopped");
        }
    }

    @Test
    void readinessNeedsTheAppliedIndexWithinTheBoundOfTheLeadersCommit() {
        ServerStatus s = new ServerStatus(NodeId.of("n2"), ServerStatus.Role.FOLLOWER, 3, Optional.of(NodeId.of("n1")),
                1500, 500, 1500, 0, Map.of(), ClusterConfig.ofVoters("n1", "n2", "n3"), Map.of(), true);
        assertThat(OpsApi.verdict(1500, 1000, s)).containsEntry("ready", true);
        assertThat(OpsApi.verdict(1501, 1000, s)).containsEntry("ready", false)
                .containsEntry("reason", "applied index 1001 behind the leader's commit (max 1000)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void clusterViewShowsEveryMemberTheLeaderLagAndEventsAndMarksADownMember() throws Exception {
        try (KvTestCluster cluster = new KvTestCluster(3, KvTestCluster.fastOptions()).startAll()) {
            KvNode leader = cluster.awaitLeader();
            put(leader.url() + "/v1/kv/a", "1");
            KvNode follower = cluster.follower();
            Map<String, Object> view = json(get(follower.url() + "/v1/cluster"));
            assertThat(view).containsEntry("leader", leader.id().value()).containsEntry("self", follower.id().value());
            List<Map<String, Object>> members = (List<Map<String, Object>>) view.get("members");
            assertThat(members).extracting(m -> m.get("id")).containsExactly("n1", "n2", "n3");
            assertThat(members).allSatisfy(m -> assertThat(m).containsEntry("reachable", true).containsKeys("lag", "term", "health"));
            List<Map<String, Object>> events = (List<Map<String, Object>>) view.get("events");
            assertThat(events).anySatisfy(e -> assertThat(e).containsEntry("member", leader.id().value())
                    .containsEntry("kind", "role-changed"));
            assertThat(events).anySatisfy(e -> assertThat((String) e.get("text")).contains("starts an election"));

            NodeId down = members.stream().map(m -> NodeId.of((String) m.get("id")))
                    .filter(id -> !id.equals(leader.id()) && !id.equals(follower.id())).findFirst().orElseThrow();
            cluster.stop(down);
            Map<String, Object> after = json(get(follower.url() + "/v1/cluster"));
            Map<String, Object> gone = ((List<Map<String, Object>>) after.get("members")).stream()
                    .filter(m -> m.get("id").equals(down.value())).findFirst().orElseThrow();
            assertThat(gone).containsEntry("reachable", false).containsKey("error");

            Map<String, Object> node = json(get(leader.url() + "/v1/node"));
            assertThat(node).containsEntry("role", "leader").containsKeys("followers", "work", "events", "health");
            HttpResponse<String> page = get(follower.url() + "/ui");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.body()).contains("fetch(\"/v1/cluster\"");
        }
    }
}
