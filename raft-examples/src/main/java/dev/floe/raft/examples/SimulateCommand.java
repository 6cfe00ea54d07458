package dev.floe.raft.examples;

import dev.floe.raft.NodeId;
import dev.floe.raft.core.RaftOptions;
import dev.floe.raft.testkit.InvariantViolation;
import dev.floe.raft.testkit.SimConfig;
import dev.floe.raft.testkit.Simulation;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raft-kv simulate}: runs the deterministic cluster simulation of raft-core's testkit with
 * faults on and narrates it, one line per simulated second, so a newcomer can watch Raft work.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Watch a simulated Raft cluster run under faults (deterministic per seed).")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--seed", paramLabel = "N", description = "the run to replay (default: from the clock)")
    Long seed;

    @Option(names = "--nodes", defaultValue = "5", paramLabel = "N", description = "cluster size (default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--seconds", defaultValue = "30", paramLabel = "S", description = "simulated seconds (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--pace-ms", defaultValue = "200", paramLabel = "MS",
            description = "real pause per simulated second, 0 for full speed (default ${DEFAULT-VALUE})")
    long paceMillis;

    @Override
    public Integer call() {
        return run(seed == null ? System.currentTimeMillis() % 100_000 : seed, nodes, seconds, paceMillis, System.out);
    }

    static int run(long seed, int nodes, int seconds, long paceMillis, PrintStream out) {
        if (nodes < 1 || seconds < 1) throw new IllegalArgumentException("--nodes and --seconds must be >= 1");
        int faultTicks = Math.max(100, (seconds - 5) * 100);
        SimConfig config = SimConfig.standard(seed).withNodes(nodes).withLength(faultTicks, 500, seconds * 20)
                .withOptions(RaftOptions.DEFAULTS.withElectionTicks(10, 2).withFlowControl(16 << 10, 8, 1 << 20));
        out.printf("Simulating a %d-node Raft cluster for %d simulated seconds (seed %d).%n", nodes, seconds, seed);
        out.printf("Faults for the first %d s: crashes, partitions, one-way cuts, loss bursts, %.0f%% message loss,%n",
                faultTicks / 100, config.dropRate() * 100);
        out.printf("delays up to %d ms with reordering and duplication; then everything heals.%n", config.maxDelayMillis());
        out.printf("After every event the simulator checks Raft's safety properties.%n%n");
        out.printf("%6s  %5s  %-6s  %7s  %3s  %9s  %s%n", "time", "term", "leader", "commit", "up", "committed", "faults so far");
        Simulation sim = new Simulation(config)
                .traceTo(line -> {
                    if (line.contains("FAULT")) out.println("        " + line.substring(line.indexOf("FAULT") + 6));
                })
                .summariesTo(s -> {
                    out.printf("%5ds  %5d  %-6s  %7d  %d/%d  %9d  crashes=%d partitions=%d cuts=%d loss-bursts=%d%n",
                            s.timeMillis() / 1000, s.term(), s.leader().map(NodeId::value).orElse("-"), s.commitIndex(),
                            s.nodesUp(), nodes, s.commandsCommitted(), s.stats().crashes, s.stats().partitions,
                            s.stats().oneWayCuts, s.stats().lossBursts);
                    pause(paceMillis);
                });
        try {
            Simulation.Result r = sim.run();
            out.printf("%nDone: %d events, %d leaders elected, %d messages (%d dropped, %d duplicated), %d client commands committed.%n",
                    r.events(), r.stats().elections, r.stats().messagesSent, r.stats().messagesDropped,
                    r.stats().messagesDuplicated, r.commandsCommitted());
            out.printf("Every safety check passed, and after healing a leader was elected and every command finished.%n");
            out.printf("Replay this exact run with: java -jar raft-examples/target/raft-kv.jar simulate --seed %d --nodes %d --seconds %d%n",
                    seed, nodes, seconds);
            return 0;
        } catch (InvariantViolation v) {
            out.println();
            out.println(v.getMessage());
            return 1;
        }
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
