package dev.floe.raft.examples;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.examples.kv.KvCommand;
import dev.floe.raft.examples.kv.KvStateMachine;
import dev.floe.raft.testkit.SimulationFailure;
import dev.floe.raft.testkit.SimulationReport;
import dev.floe.raft.testkit.SimulationRunner;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raft-kv simulate}: runs raft-kv's own state machine on a simulated cluster of real
 * RaftServers (raft-testkit) with faults on and narrates it, one line per simulated second plus
 * every fault and leader change, so a newcomer can watch Raft work. The seed picks the cluster.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Watch a simulated raft-kv cluster of real RaftServers run under faults (deterministic per seed);",
            "the seed picks the cluster's shape and the faults."})
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--seed", paramLabel = "N", description = "the run to replay (default: from the clock)")
    Long seed;

    @Option(names = "--seconds", defaultValue = "20", paramLabel = "S",
            description = "simulated seconds of faults, at least 4 (default ${DEFAULT-VALUE}); 3 quiet seconds follow")
    int seconds;

    @Option(names = "--pace-ms", defaultValue = "200", paramLabel = "MS",
            description = "real pause per simulated second, 0 for full speed (default ${DEFAULT-VALUE})")
    long paceMillis;

    @Override
    public Integer call() {
        if (seconds < 4) throw new IllegalArgumentException("--seconds must be at least 4");
        if (paceMillis < 0) throw new IllegalArgumentException("--pace-ms must not be negative");
        return run(seed == null ? System.currentTimeMillis() % 100_000 : seed, seconds, paceMillis, System.out);
    }

    static int run(long seed, int seconds, long paceMillis, PrintStream out) {
        out.printf("Simulating a raft-kv cluster of real RaftServers for %d + 3 simulated seconds (seed %d).%n", seconds, seed);
        out.printf("Faults for %d s: crashes that lose unsynced writes, process pauses, partitions, one-way cuts,%n", seconds);
        out.printf("message loss, delay, reordering and duplication, membership changes, leadership transfers;%n");
        out.printf("then everything heals. Raft's safety properties are checked after every event, and the%n");
        out.printf("clients' history for linearizability and exactly-once at the end.%n%n");
        out.printf("%6s  %5s  %-6s  %7s  %5s  %7s  %6s%n", "time", "term", "leader", "commit", "up", "writes", "reads");
        SimulationReport report = SimulationRunner.forStateMachine(KvStateMachine::new)
                .commands(random -> new KvCommand.Put(Bytes.utf8("k" + random.nextInt(8)),
                        Bytes.utf8("v" + random.nextInt(1000))).encode())
                .queries(random -> Bytes.utf8("k" + random.nextInt(8)))
                .faultMillis(seconds * 1000L)
                .traceTo(line -> out.println("        " + line))
                .summariesTo(s -> {
                    out.printf("%5ds  %5d  %-6s  %7d  %d/%d  %7d  %6d%n", s.timeMillis() / 1000, s.term(),
                            s.leader().map(NodeId::value).orElse("-"), s.commitIndex(), s.membersUp(), s.members(),
                            s.writes(), s.reads());
                    pause(paceMillis);
                })
                .run(seed, 1);
        out.println();
        out.println("Done: " + report.stats());
        if (report.passed()) {
            out.printf("Every check passed. Replay this exact run with: java -jar raft-examples/target/raft-kv.jar simulate --seed %d --seconds %d%n",
                    seed, seconds);
            return 0;
        }
        for (SimulationFailure f : report.failures()) out.println(f.describe());
        out.printf("Replay this exact run with: java -jar raft-examples/target/raft-kv.jar simulate --seed %d --seconds %d%n",
                seed, seconds);
        return Main.FAILURE;
    }

    private static void pause(long millis) {
        if (millis <= 0) return;
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
