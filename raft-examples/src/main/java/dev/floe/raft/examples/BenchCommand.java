package dev.floe.raft.examples;

import dev.floe.raft.examples.bench.KvBench;
import dev.floe.raft.examples.bench.KvBenchSettings;
import dev.floe.raft.examples.bench.KvScale;
import dev.floe.raft.examples.bench.ScaleSettings;
import java.io.PrintStream;

/**
 * {@code raft-kv.jar bench}: the peerbench workload on Floe (see {@link KvBench}), one JSON line per
 * IN_FLIGHT value on stdout, progress on stderr.
 */
final class BenchCommand {
    static final String USAGE = """
              bench [--in-flight 1,32,256] [--value-size 128,...] [--members 3|5|7]
                    [--reads linearizable|lease] [--warmup 5] [--measure 10]
                  servers in this JVM (fsync on, loopback sockets), PUTs through RaftClient;
                  prints one peerbench JSON line per (value size, in-flight) pair
              bench --scale restart,snapshot,catchup [--scale-entries 200000] [--scale-mb 64]
                  restart time of a member with a big log; snapshot take/send/restore MB/s;
                  a follower's catch-up MB/s (one JSON line each)
            """;

    private BenchCommand() {
    }

    static int run(Args args, PrintStream out) throws Exception {
        if (args.has("--scale")) {
            new KvScale(out).run(ScaleSettings.parse(name -> args.string(name, null)));
        } else {
            new KvBench(out).run(KvBenchSettings.parse(name -> args.string(name, null)));
        }
        return 0;
    }
}
