package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.server.SnapshotOptions;
import dev.floe.raft.testkit.Await;
import dev.floe.raft.testkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** raft-kv with {@code --groups N}: keys split over N Raft groups sharing one RaftHost per node. */
class KvShardsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int GROUPS = 4;

    @TempDir
    Path root;

    @Test
    void aKeyAlwaysMapsToTheSameGroupAndEveryGroupGetsKeys() {
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Bytes key = Bytes.utf8("key-" + i);
            int g = KvShards.indexOf(key, GROUPS);
            assertThat(g).isBetween(0, GROUPS - 1).isEqualTo(KvShards.indexOf(Bytes.utf8("key-" + i), GROUPS));
            used.add(g);
        }
        assertThat(used).hasSize(GROUPS);
    }

    @Test
    void threeNodesWithFourGroupsServeEveryKeyThroughAnyNodeAndSurviveLosingOne() throws Exception {
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= 3; i++) members.add(Member.parse("n" + i + "=127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next()));
        ClusterSpec spec = new ClusterSpec(members);
        Map<String, KvNode> nodes = new LinkedHashMap<>();
        try {
            for (Member m : members) {
                nodes.put(m.id().value(), KvNode.start(m.id(), spec, root.resolve(m.id().value()), KvTestCluster.fastOptions(),
                        SnapshotOptions.defaults(), false, KvSecurity.plaintext(), GROUPS));
            }
            List<String> urls = nodes.values().stream().map(KvNode::url).toList();
            KvClient client = new KvClient(urls, WAIT);
            // Every group elects a leader; /v1/status lists each group with its role.
            Await.until(WAIT, "a leader in every group", () -> nodes.values().stream()
                    .allMatch(n -> n.shards().all().stream().allMatch(s -> s.server().status().leader().isPresent())));
            Map<?, ?> status = client.status(urls.get(0));
            assertThat((List<?>) status.get("groups")).hasSize(GROUPS)
                    .allSatisfy(g -> assertThat(((Map<?, ?>) g).keySet().containsAll(List.of("group", "role", "term", "leader", "commitIndex"))).as(g.toString()).isTrue());

            // admin status shows each group's leader and how many groups each node leads.
            java.io.StringWriter table = new java.io.StringWriter();
            picocli.CommandLine cli = dev.floe.raft.examples.Main.commandLine();
            cli.setOut(new java.io.PrintWriter(table, true));
            assertThat(cli.execute("admin", "status", "--cluster", urls.get(0))).isZero();
            assertThat(table.toString()).contains("GROUP", "MIN APPLIED", "groups led: n1 ");
            for (int g = 0; g < GROUPS; g++) {
                assertThat(table.toString()).containsPattern("(?m)^kv-" + g + " +n[123] +\\d+ +\\d+ +\\d+ +3$");
            }

            Map<String, String> written = new LinkedHashMap<>();
            for (int i = 0; i < 40; i++) {
                KvClient.Answer a = client.put("k" + i, "v" + i);
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                written.put("k" + i, "v" + i);
            }
            // Each key was committed in its own group only.
            KvNode n1 = nodes.get("n1");
            for (String key : written.keySet()) {
                KvShards.Shard home = n1.shards().of(Bytes.utf8(key));
                Await.until(WAIT, key + " applied in " + home.group(), () -> home.machine().localGet(Bytes.utf8(key)).isPresent());
                for (KvShards.Shard other : n1.shards().all()) {
                    if (other != home) assertThat(other.machine().localGet(Bytes.utf8(key))).as(key + " in " + other.group()).isEmpty();
                }
            }
            for (String url : urls) {
                for (Map.Entry<String, String> e : written.entrySet()) {
                    assertThat(client.get(url, e.getKey(), "linearizable")).as(url + " " + e.getKey()).contains(e.getValue());
                }
            }

            // Ready once every group knows a leader and has applied what it knows committed.
            for (String url : urls) {
                Await.until(WAIT, url + " ready", () -> statusOf(client, url, "/health/ready") == 200);
                assertThat(statusOf(client, url, "/health/live")).isEqualTo(200);
            }

            // Lose the node that leads the most groups: the other two elect leaders for those groups
            // and keep every acknowledged write.
            String victim = nodes.entrySet().stream().max(java.util.Comparator.comparingLong(e -> e.getValue().shards().all().stream()
                    .filter(s -> s.server().status().isLeader()).count())).orElseThrow().getKey();
            nodes.remove(victim).close();
            List<String> left = nodes.values().stream().map(KvNode::url).toList();
            KvClient survivors = new KvClient(left, WAIT);
            for (int i = 40; i < 60; i++) {
                KvClient.Answer a = survivors.put("k" + i, "v" + i);
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                written.put("k" + i, "v" + i);
            }
            for (Map.Entry<String, String> e : written.entrySet()) {
                assertThat(survivors.get(left.get(0), e.getKey(), "linearizable")).as(e.getKey()).contains(e.getValue());
            }
        } finally {
            nodes.values().forEach(KvNode::close);
        }
    }

    @Test
    void aNodeJoinsEveryGroupThroughTheAdminToolAndReplacesARemovedOne() throws Exception {
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= 4; i++) members.add(Member.parse("n" + i + "=127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next()));
        ClusterSpec founders = new ClusterSpec(members.subList(0, 3));
        Map<String, KvNode> nodes = new LinkedHashMap<>();
        try {
            for (Member m : founders.members()) {
                nodes.put(m.id().value(), KvNode.start(m.id(), founders, root.resolve(m.id().value()), KvTestCluster.fastOptions(),
                        SnapshotOptions.defaults(), false, KvSecurity.plaintext(), GROUPS));
            }
            Await.until(WAIT, "a leader in every group", () -> nodes.values().stream()
                    .allMatch(n -> n.shards().all().stream().allMatch(s -> s.server().status().leader().isPresent())));
            KvClient client = new KvClient(nodes.values().stream().map(KvNode::url).toList(), WAIT);
            Map<String, String> written = new LinkedHashMap<>();
            for (int i = 0; i < 20; i++) {
                assertThat(client.put("k" + i, "v" + i).status()).isEqualTo(200);
                written.put("k" + i, "v" + i);
            }
            String any = nodes.get("n2").url();
            // Membership is per group: without naming one the node says how.
            KvClient.Answer unnamed = client.sendTo(any, "DELETE", "/v1/members/n1", "");
            assertThat(unnamed.status()).isEqualTo(400);
            assertThat(unnamed.body()).contains("group_required", "--all-groups");

            Member n4 = members.get(3);
            nodes.put("n4", KvNode.start(n4.id(), new ClusterSpec(members), root.resolve("n4"), KvTestCluster.fastOptions(),
                    SnapshotOptions.defaults(), true, KvSecurity.plaintext(), GROUPS));
            assertThat(admin("members", "add", "--cluster", any, "--id", "n4", "--raft", n4.raft().toString(),
                    "--http", n4.http().toString(), "--learner", "--all-groups")).isZero();
            // The learner catches up in every group: each key reaches n4's replica of its own group.
            KvNode joined = nodes.get("n4");
            for (Map.Entry<String, String> e : written.entrySet()) {
                KvShards.Shard home = joined.shards().of(Bytes.utf8(e.getKey()));
                Await.until(WAIT, e.getKey() + " on n4", () -> home.machine().localGet(Bytes.utf8(e.getKey())).isPresent());
            }
            assertThat(admin("members", "promote", "--cluster", any, "--id", "n4", "--all-groups")).isZero();
            assertThat(admin("members", "remove", "--cluster", any, "--id", "n1", "--all-groups")).isZero();
            for (KvShards.Shard shard : joined.shards().all()) {
                Await.until(WAIT, "n4 a voter and n1 gone in " + shard.group(), () -> shard.server().status().isVoter(n4.id())
                        && !shard.server().status().config().contains(members.get(0).id()));
            }
            nodes.remove("n1").close();

            List<String> left = nodes.values().stream().map(KvNode::url).toList();
            KvClient survivors = new KvClient(left, WAIT);
            for (int i = 20; i < 30; i++) {
                assertThat(survivors.put("k" + i, "v" + i).status()).isEqualTo(200);
                written.put("k" + i, "v" + i);
            }
            for (Map.Entry<String, String> e : written.entrySet()) {
                assertThat(survivors.get(joined.url(), e.getKey(), "linearizable")).as(e.getKey()).contains(e.getValue());
            }
        } finally {
            nodes.values().forEach(KvNode::close);
        }
    }

    private static int admin(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "admin";
        System.arraycopy(args, 0, full, 1, args.length);
        return dev.floe.raft.examples.Main.commandLine().execute(full);
    }

    @Test
    void aDataDirectoryRefusesAnotherNumberOfGroups() throws Exception {
        Member m = Member.parse("n1=127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next());
        ClusterSpec spec = new ClusterSpec(List.of(m));
        Path dir = root.resolve("n1");
        KvNode.start(m.id(), spec, dir, KvTestCluster.fastOptions(), SnapshotOptions.defaults(), false, KvSecurity.plaintext(), 2).close();
        assertThat(Files.isDirectory(dir.resolve("groups"))).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KvNode.start(m.id(), spec, dir, KvTestCluster.fastOptions(),
                        SnapshotOptions.defaults(), false, KvSecurity.plaintext(), 3))
                .hasMessageContaining("the number of groups is fixed");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KvNode.start(m.id(), spec, dir, KvTestCluster.fastOptions(),
                        SnapshotOptions.defaults(), false, KvSecurity.plaintext(), 1))
                .hasMessageContaining("--groups > 1");
    }


    private static int statusOf(KvClient client, String url, String path) {
        try {
            return client.sendTo(url, "GET", path, "").status();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
