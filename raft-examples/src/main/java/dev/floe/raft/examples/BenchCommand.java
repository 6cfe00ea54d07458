package dev.floe.raft.examples;

import dev.floe.raft.examples.bench.KvBench;
import dev.floe.raft.examples.bench.KvBenchSettings;
import dev.floe.raft.examples.bench.KvScale;
import dev.floe.raft.examples.bench.ScaleSettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raft-kv.jar bench}: the peerbench workload on Floe (see {@link KvBench}), one JSON line per
 * (value size, in-flight) pair on stdout, progress on stderr; with {@code --scale}, how the cost grows
 * (see {@link KvScale}). The options are checked by {@link KvBenchSettings} and {@link ScaleSettings}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Servers in this JVM (fsync on, loopback sockets), PUTs through RaftClient;",
            "prints one peerbench JSON line per (value size, in-flight) pair.",
            "With --scale: restart time of a member with a big log, snapshot take/send/restore MB/s and",
            "a follower's catch-up MB/s, one JSON line each."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--in-flight", paramLabel = "N,...", description = "requests kept in flight, one run each (default 1,32,256)")
    String inFlight;

    @Option(names = "--value-size", paramLabel = "BYTES,...", description = "value sizes, one run each (default 128)")
    String valueSize;

    @Option(names = "--members", paramLabel = "3|5|7", description = "servers in the cluster (default 3)")
    String members;

    @Option(names = "--reads", paramLabel = "linearizable|lease", description = "after the writes, read the pre-loaded keys with this consistency")
    String reads;

    @Option(names = "--warmup", paramLabel = "S", description = "warm-up seconds (default 5)")
    String warmup;

    @Option(names = "--measure", paramLabel = "S", description = "measured seconds (default 10)")
    String measure;

    @Option(names = "--groups", paramLabel = "G,...",
            description = "spread the writes over G Raft groups on three RaftHosts, one run each (e.g. 1,8,64,256); in-process at each group's leader")
    String groups;

    @Option(names = "--no-fsync", description = "with --groups: the hosts' storage never forces (SyncPolicy.NONE), to measure the CPU per write without the disk")
    boolean noFsync;

    @Option(names = "--scale", paramLabel = "restart,snapshot,catchup", description = "measure how the cost grows instead")
    String scale;

    @Option(names = "--scale-entries", paramLabel = "N", description = "entries in the log for --scale restart (default 200000)")
    String scaleEntries;

    @Option(names = "--scale-mb", paramLabel = "MB", description = "state size for --scale snapshot and catchup (default 64)")
    String scaleMb;

    @Override
    public Integer call() throws Exception {
        java.util.HashMap<String, String> given = new java.util.HashMap<>();
        Map.of("--in-flight", nullable(inFlight), "--value-size", nullable(valueSize), "--members", nullable(members),
                "--reads", nullable(reads), "--warmup", nullable(warmup), "--measure", nullable(measure),
                "--scale", nullable(scale), "--scale-entries", nullable(scaleEntries), "--scale-mb", nullable(scaleMb))
                .forEach((k, v) -> { if (!v.isEmpty()) given.put(k, v); });
        if (noFsync && groups == null) throw new IllegalArgumentException("--no-fsync goes with --groups");
        if (groups != null) {
            List<Integer> counts = KvBenchSettings.list("--groups", groups, null);
            new dev.floe.raft.examples.bench.GroupsBench(System.out, !noFsync).run(KvBenchSettings.parse(given::get), counts);
        } else if (scale != null) {
            new KvScale(System.out).run(ScaleSettings.parse(given::get));
        } else {
            new KvBench(System.out).run(KvBenchSettings.parse(given::get));
        }
        return 0;
    }

    private static String nullable(String value) {
        return value == null ? "" : value;
    }
}
