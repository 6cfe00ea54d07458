package dev.floe.raft.examples;

import dev.floe.raft.examples.bench.KvBench;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code raft-kv.jar bench}: the peerbench workload on Floe (see {@link KvBench}), one JSON line per
 * IN_FLIGHT value on stdout, progress on stderr.
 */
final class BenchCommand {
    static final String USAGE = """
              bench [--in-flight 1,32,256] [--value-size 128] [--warmup 5] [--measure 10]
                  3 servers in this JVM (fsync on, loopback sockets), PUTs through RaftClient;
                  prints one peerbench JSON line per in-flight value
            """;

    private BenchCommand() {
    }

    static int run(Args args, PrintStream out) throws Exception {
        List<Integer> inFlight = new ArrayList<>();
        for (String s : args.string("--in-flight", "1,32,256").split(",")) {
            if (s.isBlank()) continue;
            try {
                inFlight.add(Integer.parseInt(s.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--in-flight expects numbers, got '" + s + "'");
            }
        }
        if (inFlight.isEmpty() || inFlight.stream().anyMatch(x -> x < 1)) {
            throw new IllegalArgumentException("--in-flight needs positive integers");
        }
        int valueSize = args.intValue("--value-size", 128);
        int warmup = args.intValue("--warmup", 5);
        int measure = args.intValue("--measure", 10);
        if (valueSize < 1 || warmup < 0 || measure < 1) {
            throw new IllegalArgumentException("--value-size and --measure must be >= 1, --warmup >= 0");
        }
        new KvBench(out).run(inFlight, valueSize, warmup, measure);
        return 0;
    }
}
