package dev.floe.raft.examples;

import dev.floe.raft.NodeId;
import dev.floe.raft.examples.kv.ClusterSpec;
import dev.floe.raft.examples.kv.KvNode;
import dev.floe.raft.examples.kv.KvSecurity;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.SnapshotOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code raft-kv.jar node --id n1 --data-dir DIR --cluster n1=127.0.0.1:7001:8001,...}: one raft-kv
 * member per process, serving HTTP until the process is stopped (SIGINT/SIGTERM close it cleanly;
 * SIGKILL is survived through the data directory).
 */
final class NodeCommand {
    static final String USAGE = """
              node --id N --data-dir DIR --cluster ID=HOST:RAFTPORT:HTTPPORT,... [--tick-ms 50] [--join]
                   [--snapshot-every 10000] [--snapshot-keep 1000]
                  run one member of a raft-kv cluster; restarting with the same --data-dir recovers it;
                  --snapshot-every: snapshot after that many entries, keeping --snapshot-keep in the log;
                  --join: a new member (listed in --cluster) waiting for POST /v1/members on the leader
            """ + KvSecurity.USAGE;

    private NodeCommand() {
    }

    static int run(Args args, PrintStream out) throws InterruptedException {
        java.util.List<String> known = new java.util.ArrayList<>(KvSecurity.OPTIONS);
        known.addAll(java.util.List.of("--id", "--data-dir", "--cluster", "--tick-ms", "--join", "--snapshot-every", "--snapshot-keep"));
        args.only(known.toArray(String[]::new));
        NodeId id = NodeId.of(args.required("--id"));
        Path dir = Path.of(args.required("--data-dir"));
        ClusterSpec cluster = ClusterSpec.parse(args.required("--cluster"));
        if (cluster.member(id).isEmpty()) {
            throw new IllegalArgumentException("--id " + id + " is not one of the --cluster members "
                    + cluster.members().stream().map(m -> m.id().value()).toList());
        }
        int tickMs = args.intValue("--tick-ms", 50);
        if (tickMs < 1 || tickMs > 10_000) throw new IllegalArgumentException("--tick-ms must be 1-10000");
        RaftServerOptions options = KvNode.DEFAULT_OPTIONS.toBuilder().tickInterval(Duration.ofMillis(tickMs)).build();
        long every = args.longValue("--snapshot-every", SnapshotOptions.defaults().afterEntries());
        long keep = args.longValue("--snapshot-keep", SnapshotOptions.defaults().keepEntries());
        if (every < 0 || keep < 0) throw new IllegalArgumentException("--snapshot-every and --snapshot-keep must not be negative");
        SnapshotOptions snapshots = SnapshotOptions.defaults().withTriggers(every, SnapshotOptions.defaults().afterBytes(), keep);
        LogLevels.set("dev.floe.raft.core", "INFO"); // elections and leader changes, with node id and term

        KvNode node;
        try {
            KvSecurity security = KvSecurity.fromOptions(name -> args.has(name) ? java.util.Optional.of(args.required(name))
                    : java.util.Optional.empty());
            node = KvNode.start(id, cluster, dir, options, snapshots, args.has("--join"), security);
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        out.println("raft-kv " + id + " serving " + node.url() + " (raft " + node.member().raft() + ", data " + dir.toAbsolutePath() + ")");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "raft-kv-shutdown"));
        stopped.await();
        return 0;
    }
}
