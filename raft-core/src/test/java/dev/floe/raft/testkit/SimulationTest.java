package dev.floe.raft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Runs the deterministic cluster simulation over many seeds (Raft paper Figure 3 properties after
 * every event, liveness after healing). {@code -Dfloe.sim.seeds=N} runs N seeds from
 * {@code -Dfloe.sim.firstSeed}; {@code -Dfloe.sim.seed=S} replays one seed with a full trace.
 */
class SimulationTest {

    @Test
    void safetyAndLivenessHoldOverManySeeds() {
        String single = System.getProperty("floe.sim.seed");
        if (single != null && !single.isBlank()) {
            replay(Long.parseLong(single.trim()));
            return;
        }
        long seeds = Long.getLong("floe.sim.seeds", 1000);
        long first = Long.getLong("floe.sim.firstSeed", 1);
        ConcurrentLinkedQueue<InvariantViolation> failures = new ConcurrentLinkedQueue<>();
        AtomicLong events = new AtomicLong();
        AtomicLong ticks = new AtomicLong();
        AtomicLong commands = new AtomicLong();
        AtomicLong faults = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        AtomicLong leaseReads = new AtomicLong();
        AtomicLong snapshots = new AtomicLong();
        AtomicLong snapshotsSent = new AtomicLong();
        AtomicLong configChanges = new AtomicLong();
        AtomicLong transfers = new AtomicLong();
        long start = System.nanoTime();
        LongStream.range(first, first + seeds).parallel().forEach(seed -> {
            try {
                SimConfig config = SimConfig.standard(seed);
                Simulation.Result r = Simulation.run(config);
                events.addAndGet(r.events());
                ticks.addAndGet((long) (config.faultTicks() + config.healTicks()) * config.nodes());
                commands.addAndGet(r.commandsCommitted());
                faults.addAndGet(r.stats().faults());
                reads.addAndGet(r.stats().readsCompleted);
                leaseReads.addAndGet(r.stats().leaseReads);
                snapshots.addAndGet(r.stats().snapshots);
                snapshotsSent.addAndGet(r.stats().snapshotsSent);
                configChanges.addAndGet(r.stats().configChanges);
                transfers.addAndGet(r.stats().transfers);
            } catch (InvariantViolation v) {
                failures.add(v);
            }
        });
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("simulation: %d seeds (%d..%d), %d node-ticks, %d events, %d faults, %d commands committed, "
                        + "%d linearizable reads (%d from a lease), %d snapshots taken, %d snapshots sent, %d membership changes, "
                        + "%d leadership transfers, %d ms%n",
                seeds, first, first + seeds - 1, ticks.get(), events.get(), faults.get(), commands.get(), reads.get(),
                leaseReads.get(), snapshots.get(), snapshotsSent.get(), configChanges.get(), transfers.get(), millis);
        List<String> reports = new ArrayList<>();
        for (InvariantViolation v : failures) reports.add(v.getMessage());
        assertThat(reports).as("seeds that broke a Raft property").isEmpty();
    }

    private static void replay(long seed) {
        System.out.println("replaying seed " + seed + ": " + SimConfig.standard(seed));
        Simulation.Result r = new Simulation(SimConfig.standard(seed)).traceTo(System.out::println).run();
        System.out.println("seed " + seed + " passed: " + r);
    }
}
