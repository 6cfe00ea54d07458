package dev.floe.raft.examples;

import dev.floe.raft.NodeId;
import dev.floe.raft.examples.kv.ClusterSpec;
import dev.floe.raft.examples.kv.KvClient;
import dev.floe.raft.examples.kv.KvNode;
import dev.floe.raft.examples.kv.Member;
import dev.floe.raft.server.RaftServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raft-kv.jar demo}: three raft-kv members in this process on real files and sockets, a
 * narrated run through the HTTP API (writes, a redirect, reads, a failed compare-and-set, the
 * leader stopped, a new leader, no acknowledged write lost, the old leader back and caught up),
 * then serving until Ctrl-C. Exit code 1 if a check of the narration fails.
 */
final class DemoCommand {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final PrintStream out;
    private final ClusterSpec cluster;
    private final Path dataDir;
    private final Map<NodeId, KvNode> nodes = new LinkedHashMap<>();
    private final Map<String, String> acknowledged = new LinkedHashMap<>();

    private DemoCommand(PrintStream out, ClusterSpec cluster, Path dataDir) {
        this.out = out;
        this.cluster = cluster;
        this.dataDir = dataDir;
    }

    /** The picocli face of the demo: its options, then {@link #run}. */
    @Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Three raft-kv members in one process, HTTP on 127.0.0.1:BASE..BASE+2 (raft on BASE-1000..),",
                "a narrated run, then serving until Ctrl-C. Exit code 1 if a check of the narration fails."})
    static final class Cli implements Callable<Integer> {
        @Option(names = "--base-port", defaultValue = "8001", paramLabel = "PORT", description = "first HTTP port (default ${DEFAULT-VALUE})")
        int base;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "where the members keep their data (default: a new temporary directory)")
        Path dataDir;

        @Option(names = "--exit-after-narration", description = "stop after the narrated run instead of serving")
        boolean exitAfterNarration;

        @Override
        public Integer call() throws Exception {
            return run(base, dataDir, exitAfterNarration, System.out);
        }
    }

    static int run(int base, Path dataDirOrNull, boolean exitAfterNarration, PrintStream out) throws Exception {
        if (base < 2025 || base > 65530) throw new IllegalArgumentException("--base-port must be 2025-65530 (raft ports are 1000 below)");
        Path dir = dataDirOrNull != null ? dataDirOrNull : Files.createTempDirectory("raft-kv-demo-");
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(Member.parse("n" + (i + 1) + "=127.0.0.1:" + (base - 1000 + i) + ":" + (base + i)));
        }
        LogLevels.set("dev.floe.raft", "WARN"); // the narration tells the story; warnings still show
        LogLevels.set("io.netty", "WARN");
        DemoCommand demo = new DemoCommand(out, new ClusterSpec(members), dir);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            demo.closeAll();
            stopped.countDown();
        }, "raft-kv-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean ok;
        try {
            ok = demo.narrate();
        } catch (IOException e) {
            System.err.println("error: " + Problems.describe(e));
            demo.closeAll();
            return 1;
        }
        if (exitAfterNarration || !ok) {
            Runtime.getRuntime().removeShutdownHook(hook);
            demo.closeAll();
            return ok ? 0 : 1;
        }
        out.println();
        out.println("The cluster keeps serving. Try:");
        String url = demo.nodes.values().iterator().next().url();
        out.println("  curl -i -X PUT --data 'hello' " + url + "/v1/kv/greeting     # 307 to the leader unless n1 leads");
        out.println("  curl -L -X PUT --data 'hello' " + url + "/v1/kv/greeting     # -L follows it");
        out.println("  curl " + url + "/v1/kv/greeting");
        out.println("  curl " + url + "/v1/status");
        out.println("  open " + url + "/ui                       # the live cluster page");
        out.println("Press Ctrl-C to stop. Data stays in " + dir.toAbsolutePath());
        out.flush();
        stopped.await();
        return 0;
    }

    private boolean narrate() throws Exception {
        out.println("raft-kv demo: three members in this process, data in " + dataDir.toAbsolutePath());
        for (Member m : cluster.members()) start(m.id());
        for (KvNode n : nodes.values()) out.println("  " + n.id() + "  " + n.url() + "   (raft " + n.member().raft() + ")");
        List<String> urls = nodes.values().stream().map(KvNode::url).toList();
        KvClient client = new KvClient(urls, WAIT);

        long t0 = System.nanoTime();
        RaftServer leader = awaitLeader(Optional.empty());
        out.printf("%n1. Election: %s leads term %d (after %d ms)%n", leader.id(), leader.status().term(), millisSince(t0));

        out.println("\n2. Writes through " + urls.get(0) + " (a follower answers 307 with the leader's URL):");
        String[][] fruit = {{"fruit/apple", "red"}, {"fruit/banana", "yellow"}, {"fruit/cherry", "dark red"}};
        for (String[] kv : fruit) write(client, kv[0], kv[1]);

        out.println("\n3. Linearizable reads from every member (a follower checks with the leader first):");
        for (KvNode n : nodes.values()) {
            List<String> values = new ArrayList<>();
            for (String[] kv : fruit) values.add(client.get(n.url(), kv[0], "linearizable").orElse("<missing>"));
            out.println("   " + n.id() + ": " + values);
        }

        out.println("\n4. Compare-and-set: PUT fruit/apple?prev=green (it is red):");
        KvClient.Answer cas = client.send("PUT", KvClient.kvPath("fruit/apple") + "?prev=green", "blue");
        out.println("   -> " + cas.status() + " " + cas.body());

        NodeId old = leader.id();
        out.println("\n5. Stopping the leader " + old + " ...");
        nodes.remove(old).close();
        long t1 = System.nanoTime();
        RaftServer next = awaitLeader(Optional.of(old));
        out.printf("   new leader: %s in term %d (after %d ms)%n", next.id(), next.status().term(), millisSince(t1));

        out.println("\n6. More writes, through the surviving members:");
        KvClient survivors = new KvClient(nodes.values().stream().map(KvNode::url).toList(), WAIT);
        write(survivors, "fruit/damson", "purple");
        write(survivors, "fruit/elderberry", "black");

        out.println("\n7. Restarting " + old + " from its directory; it catches up from the leader:");
        start(old);
        boolean ok = true;
        for (KvNode n : nodes.values()) ok &= check(client, n);
        out.println(ok ? "\nNo acknowledged write was lost: all " + acknowledged.size() + " are on every member."
                : "\nCHECK FAILED: an acknowledged write is missing (see above).");
        return ok;
    }

    private void write(KvClient client, String key, String value) throws IOException, InterruptedException {
        KvClient.Answer a = client.put(key, value);
        StringBuilder hops = new StringBuilder();
        for (int i = 1; i < a.path().size(); i++) hops.append(" -> ").append(a.path().get(i).replaceFirst("/v1/.*", ""));
        out.println("   PUT " + key + " = " + value + "  ->  " + a.status() + " " + a.body()
                + (hops.length() > 0 ? "   (via" + hops + ")" : ""));
        if (a.status() != 200) throw new IOException("the write of " + key + " failed: " + a.status() + " " + a.body());
        acknowledged.put(key, value);
    }

    /** Every acknowledged write, read locally (stale) from {@code n} once it has applied what the leader committed. */
    private boolean check(KvClient client, KvNode n) throws IOException, InterruptedException {
        long target = awaitLeader(Optional.empty()).status().commitIndex();
        long end = System.nanoTime() + WAIT.toNanos();
        while (n.server().status().appliedIndex() < target && System.nanoTime() < end) Thread.sleep(20);
        int found = 0;
        for (Map.Entry<String, String> e : acknowledged.entrySet()) {
            if (client.get(n.url(), e.getKey(), "stale").equals(Optional.of(e.getValue()))) found++;
        }
        out.println("   " + n.id() + ": applied up to index " + n.server().status().appliedIndex() + ", "
                + found + "/" + acknowledged.size() + " acknowledged writes present");
        return found == acknowledged.size();
    }

    private void start(NodeId id) throws IOException {
        nodes.put(id, KvNode.start(id, cluster, dataDir.resolve(id.value()), KvNode.DEFAULT_OPTIONS));
    }

    /** The leader all running members agree on, other than {@code not}. */
    private RaftServer awaitLeader(Optional<NodeId> not) throws IOException, InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            for (KvNode n : nodes.values()) {
                RaftServer s = n.server();
                if (s.status().isLeader() && !not.equals(Optional.of(s.id()))
                        && nodes.values().stream().allMatch(o -> o.server().status().leader().equals(Optional.of(s.id())))) {
                    return s;
                }
            }
            Thread.sleep(20);
        }
        throw new IOException("no leader elected within " + WAIT);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private synchronized void closeAll() {
        for (KvNode n : nodes.values()) n.close();
        nodes.clear();
    }
}
