package dev.floe.raft.examples;

import dev.floe.raft.NodeId;
import dev.floe.raft.examples.kv.ClusterSpec;
import dev.floe.raft.examples.kv.KvNode;
import dev.floe.raft.examples.kv.KvSecurity;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.SnapshotOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raft-kv.jar node --id n1 --data-dir DIR --cluster n1=127.0.0.1:7001:8001,...}: one raft-kv
 * member per process, serving HTTP until the process is stopped (SIGINT/SIGTERM close it cleanly;
 * SIGKILL is survived through the data directory).
 */
@Command(name = "node", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Run one member of a raft-kv cluster; restarting with the same --data-dir recovers it.",
            "Serves the key-value API, /metrics, /health and the /ui page on its HTTP address."})
final class NodeCommand implements Callable<Integer> {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "this member's id, one of --cluster")
    String id;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "where the log, term/vote and snapshots live")
    Path dataDir;

    @Option(names = "--cluster", required = true, paramLabel = "ID=HOST:RAFTPORT:HTTPPORT,...",
            description = "every member with its raft and HTTP addresses")
    String cluster;

    @Option(names = "--tick-ms", defaultValue = "50", paramLabel = "MS", description = "Raft tick, 1-10000 ms (default ${DEFAULT-VALUE})")
    int tickMs;

    @Option(names = "--join", description = "a new member (listed in --cluster) waiting to be added with POST /v1/members on the leader")
    boolean join;

    @Option(names = "--snapshot-every", paramLabel = "N", description = "snapshot after that many entries (default 10000)")
    Long snapshotEvery;

    @Option(names = "--snapshot-keep", paramLabel = "N", description = "entries kept in the log behind a snapshot (default 1000)")
    Long snapshotKeep;

    @Option(names = "--groups", defaultValue = "1", paramLabel = "N",
            description = "split the keys over N Raft groups (each with its own leader) sharing this node's raft port; 1-1024, fixed for the cluster's life (default ${DEFAULT-VALUE})")
    int groups;

    @Option(names = "--cluster-id", paramLabel = "ID", description = "the cluster's id; members of another cluster are refused (default raft-kv)")
    String clusterId;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "this member's certificate (names its id); with --tls-key and --tls-ca: mutual TLS between members and HTTPS for the API")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "this member's private key (PKCS#8 PEM)")
    String tlsKey;

    @Option(names = "--tls-ca", paramLabel = "PEM", description = "the CA that signs every member's certificate (raft-examples/scripts/make-certs.sh)")
    String tlsCa;

    @Option(names = "--auth-file", paramLabel = "FILE", description = "API tokens and client certificates with their roles (read, write, admin); see docs/security.md")
    String authFile;

    /** The security options as {@link KvSecurity#fromOptions} reads them. */
    private Optional<String> securityOption(String name) {
        return Optional.ofNullable(switch (name) {
            case "--cluster-id" -> clusterId;
            case "--tls-cert" -> tlsCert;
            case "--tls-key" -> tlsKey;
            case "--tls-ca" -> tlsCa;
            case "--auth-file" -> authFile;
            default -> throw new IllegalArgumentException("unknown security option " + name);
        });
    }

    @Option(names = "--log-format", defaultValue = "text", paramLabel = "text|json",
            description = "log lines as text, or one JSON object per line (default ${DEFAULT-VALUE})")
    String logFormat;

    @Option(names = "--log-level", paramLabel = "LOGGER=LEVEL", description = "a logger's level, e.g. dev.floe.raft=DEBUG (repeatable)")
    java.util.List<String> logLevels = new java.util.ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new IllegalArgumentException("--log-format must be text or json, not '" + logFormat + "'");
        }
        if (logFormat.equals("json")) LogLevels.json();
        NodeId nodeId = NodeId.of(id);
        ClusterSpec spec = ClusterSpec.parse(cluster);
        if (spec.member(nodeId).isEmpty()) {
            throw new IllegalArgumentException("--id " + nodeId + " is not one of the --cluster members "
                    + spec.members().stream().map(m -> m.id().value()).toList());
        }
        if (tickMs < 1 || tickMs > 10_000) throw new IllegalArgumentException("--tick-ms must be 1-10000");
        if (groups < 1 || groups > 1024) throw new IllegalArgumentException("--groups must be 1-1024");
        RaftServerOptions options = KvNode.DEFAULT_OPTIONS.toBuilder().tickInterval(Duration.ofMillis(tickMs)).build();
        long every = snapshotEvery == null ? SnapshotOptions.defaults().afterEntries() : snapshotEvery;
        long keep = snapshotKeep == null ? SnapshotOptions.defaults().keepEntries() : snapshotKeep;
        if (every < 0 || keep < 0) throw new IllegalArgumentException("--snapshot-every and --snapshot-keep must not be negative");
        SnapshotOptions snapshots = SnapshotOptions.builder().triggers(every, SnapshotOptions.defaults().afterBytes(), keep).build();
        LogLevels.set("dev.floe.raft.core", "INFO"); // elections and leader changes, with node id and term
        for (String assignment : logLevels) LogLevels.set(assignment);

        KvNode node;
        try {
            node = KvNode.start(nodeId, spec, dataDir, options, snapshots, join, KvSecurity.fromOptions(this::securityOption), groups);
        } catch (IOException e) {
            System.err.println("error: " + Problems.describe(e));
            return Main.FAILURE;
        }
        System.out.println("raft-kv " + nodeId + " serving " + node.url() + " (raft " + node.member().raft()
                + (groups > 1 ? ", " + groups + " groups" : "") + ", data "
                + dataDir.toAbsolutePath() + "; live page " + node.url() + "/ui)");
        System.out.flush();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            exit.complete(0);
        }, "raft-kv-shutdown"));
        // A fatal error (a disk write failed, say) stopped the member: say why and exit non-zero, so
        // that a supervisor (systemd, Kubernetes) restarts it from its data directory.
        node.fatal().thenAccept(health -> {
            System.err.println("error: raft-kv " + nodeId + " stopped after a fatal error: " + health.problem().orElse("unknown")
                    + "; exiting with status " + Main.FAILURE + " so that a supervisor restarts it");
            System.err.flush();
            exit.complete(Main.FAILURE);
        });
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}
