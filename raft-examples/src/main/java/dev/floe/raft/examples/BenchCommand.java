package dev.floe.raft.examples;

import dev.floe.raft.examples.bench.KvBench;
import dev.floe.raft.examples.bench.KvBenchSettings;
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
            """;

    private BenchCommand() {
    }

    static int run(Args args, PrintStream out) throws Exception {
        new KvBench(out).run(KvBenchSettings.parse(name -> args.string(name, null)));
        return 0;
    }
}
