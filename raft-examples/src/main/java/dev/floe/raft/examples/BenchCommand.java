package dev.floe.raft.examples;

import dev.floe.raft.examples.bench.KvBench;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raft-kv.jar bench}: the peerbench workload on Floe (see {@link KvBench}), one JSON line per
 * IN_FLIGHT value on stdout, progress on stderr.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"3 servers in this JVM (fsync on, loopback sockets), PUTs through RaftClient;",
            "prints one peerbench JSON line per in-flight value."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--in-flight", split = ",", defaultValue = "1,32,256", paramLabel = "N,...",
            description = "requests kept in flight, one run each (default ${DEFAULT-VALUE})")
    List<Integer> inFlight;

    @Option(names = "--value-size", defaultValue = "128", paramLabel = "BYTES", description = "value size (default ${DEFAULT-VALUE})")
    int valueSize;

    @Option(names = "--warmup", defaultValue = "5", paramLabel = "S", description = "warm-up seconds (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--measure", defaultValue = "10", paramLabel = "S", description = "measured seconds (default ${DEFAULT-VALUE})")
    int measure;

    @Override
    public Integer call() throws Exception {
        if (inFlight.isEmpty() || inFlight.stream().anyMatch(x -> x < 1)) {
            throw new IllegalArgumentException("--in-flight needs positive integers");
        }
        if (valueSize < 1 || warmup < 0 || measure < 1) {
            throw new IllegalArgumentException("--value-size and --measure must be >= 1, --warmup >= 0");
        }
        new KvBench(System.out).run(inFlight, valueSize, warmup, measure);
        return 0;
    }
}
