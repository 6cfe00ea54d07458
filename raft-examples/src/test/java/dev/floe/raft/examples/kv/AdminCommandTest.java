package dev.floe.raft.examples.kv;

import dev.floe.raft.testkit.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.NodeId;
import dev.floe.raft.examples.Main;
import dev.floe.raft.server.SnapshotOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every {@code admin} sub-command against a live in-process cluster, and its errors when members are down. */
class AdminCommandTest {
    private record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private static Run admin(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> argv = new ArrayList<>(List.of("admin"));
        argv.addAll(List.of(args));
        int exit = cli.execute(argv.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static void put(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofString("v")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void statusMembersLeaderSnapshotAndWatchOnALiveCluster() throws Exception {
        try (KvTestCluster cluster = new KvTestCluster(3, KvTestCluster.fastOptions()).startAll()) {
            KvNode leader = cluster.awaitLeader();
            put(leader.url() + "/v1/kv/a");
            KvNode follower = cluster.follower();

            Run status = admin("status", "--cluster", follower.url()); // one URL finds the others
            assertThat(status.exit()).as(status.all()).isZero();
            List<String> lines = status.out().lines().toList();
            assertThat(lines.get(0)).startsWith("MEMBER").contains("ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "LAST", "SNAPSHOT", "LAG", "HEALTH");
            assertThat(lines.subList(1, 4)).allSatisfy(l -> assertThat(l).contains(leader.url().replace("http://", "")
                    .substring(0, 9)).contains("ready"));
            assertThat(lines.stream().filter(l -> l.startsWith(leader.id().value() + " ")).findFirst().orElseThrow()).contains("leader");
            assertThat(status.out()).contains("leader: " + leader.id());

            Run json = admin("status", "--cluster", follower.url(), "--json");
            Map<String, Object> view = (Map<String, Object>) Json.parse(json.out());
            assertThat(view.get("leader")).isEqualTo(leader.id().value());
            assertThat((List<?>) view.get("members")).hasSize(3);

            // A fourth member joins as a learner, is promoted, then removed.
            Member n4 = Member.parse("n4=127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next());
            List<Member> all = new ArrayList<>(cluster.spec.members());
            all.add(n4);
            try (KvNode joiner = KvNode.start(n4.id(), new ClusterSpec(all), Files.createTempDirectory("kv-join-"),
                    KvTestCluster.fastOptions(), SnapshotOptions.defaults(), true)) {
                Run add = admin("members", "add", "--cluster", follower.url(), "--id", "n4", "--raft", n4.raft().toString(),
                        "--http", n4.http().toString(), "--learner");
                assertThat(add.exit()).as(add.all()).isZero();
                assertThat(add.out()).contains("added n4 as a learner");
                assertThat(admin("members", "list", "--cluster", follower.url()).out()).containsPattern("n4\\s+learner");
                Run promote = admin("members", "promote", "--cluster", follower.url(), "--id", "n4");
                assertThat(promote.exit()).as(promote.all()).isZero();
                Run list = admin("members", "list", "--cluster", follower.url());
                assertThat(list.out()).containsPattern("n4\\s+voter\\s+" + n4.raft());
                Run remove = admin("members", "remove", "--cluster", leader.url(), "--id", "n4");
                assertThat(remove.exit()).as(remove.all()).isZero();
                assertThat(admin("members", "list", "--cluster", leader.url()).out()).doesNotContain("n4");
            }

            NodeId target = follower.id();
            Run transfer = admin("leader", "transfer", "--cluster", leader.url(), "--to", target.value());
            assertThat(transfer.exit()).as(transfer.all()).isZero();
            KvTestCluster.await(Duration.ofSeconds(10), target + " to lead",
                    () -> cluster.awaitLeader().id().equals(target) ? Optional.of(true) : Optional.empty());

            Run snapshot = admin("snapshot", "--cluster", leader.url() + "," + follower.url());
            assertThat(snapshot.exit()).as(snapshot.all()).isZero();
            assertThat(snapshot.out().lines().filter(l -> l.contains("snapshot at index"))).hasSize(2);

            Run watch = admin("watch", "--cluster", follower.url(), "--count", "2", "--interval-ms", "100");
            assertThat(watch.exit()).as(watch.all()).isZero();
            assertThat(watch.out().lines().filter(l -> l.startsWith("MEMBER"))).hasSize(2);
            assertThat(watch.out()).contains("recent events:", "took snapshot at");
        }
    }

    @Test
    void downMembersAndBadUsageGiveClearErrorsAndExitCodes() throws Exception {
        try (KvTestCluster cluster = new KvTestCluster(3, KvTestCluster.fastOptions()).startAll()) {
            KvNode leader = cluster.awaitLeader();
            KvNode follower = cluster.follower();
            String downUrl = follower.url();
            cluster.stop(follower.id());
            Run status = admin("status", "--cluster", leader.url());
            assertThat(status.exit()).as(status.all()).isEqualTo(1);
            assertThat(status.out()).containsPattern(follower.id() + "\\s+" + downUrl.replace(".", "\\.") + "\\s+DOWN")
                    .contains("is down or unreachable (connection refused)");

            Run allDown = admin("members", "remove", "--cluster", downUrl, "--id", "n3");
            assertThat(allDown.exit()).isEqualTo(1);
            assertThat(allDown.err()).contains("no member answered", downUrl + " is down or unreachable");
            // The next URL is tried when the first is down.
            Run fallback = admin("members", "list", "--cluster", downUrl + "," + leader.url());
            assertThat(fallback.exit()).as(fallback.all()).isZero();
            Run refused = admin("leader", "transfer", "--cluster", leader.url(), "--to", "n9");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("error: no_such_member");

            assertThat(admin("status").exit()).isEqualTo(2);
            Run notUrl = admin("status", "--cluster", "127.0.0.1:8001");
            assertThat(notUrl.exit()).isEqualTo(2);
            assertThat(notUrl.err()).contains("--cluster expects URLs like http://127.0.0.1:8001");
            assertThat(admin("members").exit()).isEqualTo(2);
        }
    }
}
