package dev.floe.raft.examples;

import dev.floe.raft.NodeId;
import dev.floe.raft.core.RaftOptions;
import dev.floe.raft.testkit.InvariantViolation;
import dev.floe.raft.testkit.SimConfig;
import dev.floe.raft.testkit.Simulation;
import java.io.PrintStream;

/**
 * {@code raft-kv simulate}: runs the deterministic cluster simulation of raft-core's testkit with
 * faults on and narrates it, one line per simulated second, so a newcomer can watch Raft work.
 */
final class SimulateCommand {
    private SimulateCommand() {
    }

    static int run(Args args, PrintStream out) throws InterruptedException {
        long seed = args.longValue("--seed", System.currentTimeMillis() % 100_000);
        int nodes = args.intValue("--nodes", 5);
        int seconds = args.intValue("--seconds", 30);
        long paceMillis = args.longValue("--pace-ms", 200);
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
