package dev.floe.raft.examples;

import dev.floe.raft.NodeId;
import dev.floe.raft.examples.kv.ClusterSpec;
import dev.floe.raft.examples.kv.KvNode;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.SnapshotOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

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
            """;

    /** The exit status after a fatal error while running. */
    static final int FATAL_EXIT = 1;

    private NodeCommand() {
    }

    static int run(Args args, PrintStream out) throws InterruptedException {
        args.only("--id", "--data-dir", "--cluster", "--tick-ms", "--join", "--snapshot-every", "--snapshot-keep");
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
            node = KvNode.start(id, cluster, dir, options, snapshots, args.has("--join"));
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        out.println("raft-kv " + id + " serving " + node.url() + " (raft " + node.member().raft() + ", data " + dir.toAbsolutePath() + ")");
        out.flush();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            exit.complete(0);
        }, "raft-kv-shutdown"));
        // A fatal error (a disk write failed, say) stopped the member: say why and exit non-zero, so
        // that a supervisor (systemd, Kubernetes) restarts it from its data directory.
        node.fatal().thenAccept(health -> {
            System.err.println("error: raft-kv " + id + " stopped after a fatal error: " + health.problem().orElse("unknown")
                    + "; exiting with status " + FATAL_EXIT + " so that a supervisor restarts it");
            System.err.flush();
            exit.complete(FATAL_EXIT);
        });
        try {
            return exit.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}
