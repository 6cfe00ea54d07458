package dev.floe.raft.testkit;

import dev.floe.raft.StateMachine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.LongStream;

/**
 * Tests a replicated service built on Floe under a deterministic simulation of whole clusters of
 * real {@code RaftServer}s — the very runtime that ships, run single-threaded in simulated time on
 * simulated disks and networks — with crashes that lose unsynced writes, process pauses,
 * partitions, message loss, duplication and reordering, membership changes, leadership transfers
 * and snapshots. Each seed is one run, replayed exactly by its seed.
 *
 * <pre>{@code
 * SimulationReport report = SimulationRunner.forStateMachine(KvStateMachine::new)
 *         .commands(random -> Bytes.utf8("put k" + random.nextInt(3) + " " + random.nextInt(100)))
 *         .queries(random -> Bytes.utf8("get k" + random.nextInt(3)))
 *         .model(new KvModel())
 *         .run(1, 200);
 * report.assertPassed();
 * }</pre>
 *
 * After every simulated event it checks Raft's safety properties; at the end of each run, that
 * every replica's state machine went through one sequence of commands, that no retried command
 * was applied twice, and — with a {@link #model model} — that what clients saw is linearizable.
 * A failure names the property, the seed and a one-line command that replays it; the system
 * property {@code floe.sim.seed} makes {@link #run} replay just that seed with a trace.
 */
public final class SimulationRunner {
    private final Supplier<StateMachine> factory;
    private OperationGenerator commands;
    private OperationGenerator queries;
    private SequentialModel<?> model;
    private long faultMillis = 4_000;
    private Consumer<String> trace;
    private boolean traceOperations;
    private Consumer<SimSummary> summaries;
    /** Floe's own rule tests narrow the seeds' shape (package-private: not for users). */
    private java.util.function.UnaryOperator<SimShape> shapes = java.util.function.UnaryOperator.identity();
    private boolean multiRaft;
    private java.util.function.UnaryOperator<SimHostShape> hostShapes = java.util.function.UnaryOperator.identity();

    private SimulationRunner(Supplier<StateMachine> factory) {
        this.factory = factory;
    }

    /**
     * The user's state machine: a new, empty instance for every replica's every process.
     *
     * @param factory creates the state machine
     * @return a runner to configure
     */
    public static SimulationRunner forStateMachine(Supplier<? extends StateMachine> factory) {
        Objects.requireNonNull(factory, "factory");
        return new SimulationRunner(factory::get);
    }

    /**
     * What the clients submit as commands (required).
     *
     * @param value the command generator
     * @return this runner
     */
    public SimulationRunner commands(OperationGenerator value) {
        commands = Objects.requireNonNull(value, "commands");
        return this;
    }

    /**
     * What the clients send as read-only queries (optional: without, clients only write).
     *
     * @param value the query generator
     * @return this runner
     */
    public SimulationRunner queries(OperationGenerator value) {
        queries = Objects.requireNonNull(value, "queries");
        return this;
    }

    /**
     * The sequential specification to check linearizability against (optional).
     *
     * @param value the model
     * @return this runner
     */
    public SimulationRunner model(SequentialModel<?> value) {
        model = Objects.requireNonNull(value, "model");
        return this;
    }

    /**
     * Simulated milliseconds of faults and load per run (default 4000); a heal phase follows.
     *
     * @param value simulated milliseconds
     * @return this runner
     */
    public SimulationRunner faultMillis(long value) {
        if (value < 100) throw new IllegalArgumentException("faultMillis must be at least 100: " + value);
        faultMillis = value;
        return this;
    }

    /**
     * Every fault and leader change of each run goes to {@code sink} (the replay of one seed also shows every client answer).
     *
     * @param sink receives one line per event
     * @return this runner
     */
    public SimulationRunner traceTo(Consumer<String> sink) {
        trace = Objects.requireNonNull(sink, "sink");
        return this;
    }

    /**
     * Runs each seed as a few hosts (3-5 {@code RaftHost}s, the multi-Raft runtime) running many
     * groups of the state machine (4-24 groups of three replicas, more created during the run):
     * faults strike whole hosts (crashes that lose every group's unsynced writes, pauses, partitions
     * between hosts) and single groups (leadership transfers, leader balancing, a group stopped and
     * started again on one host, replicas moved between hosts); idle groups quiesce. Every group is
     * checked as a single-group run is, and must commit once more after the heal. The
     * {@link #summariesTo summaries} describe single groups and are not given for these runs.
     *
     * @return this runner
     */
    public SimulationRunner multiRaft() {
        multiRaft = true;
        return this;
    }

    /** Floe's own rule tests narrow the shape of host runs (package-private: not for users). */
    SimulationRunner hostShapes(java.util.function.UnaryOperator<SimHostShape> value) {
        multiRaft = true;
        hostShapes = value;
        return this;
    }

    SimulationRunner shapes(java.util.function.UnaryOperator<SimShape> value) {
        shapes = value;
        return this;
    }

    /**
     * A {@link SimSummary} of the cluster once per simulated second goes to {@code sink}.
     *
     * @param sink receives the summaries
     * @return this runner
     */
    public SimulationRunner summariesTo(Consumer<SimSummary> sink) {
        summaries = Objects.requireNonNull(sink, "sink");
        return this;
    }

    /**
     * Runs {@code count} seeds from {@code firstSeed}, in parallel, and reports. When the system
     * property {@code floe.sim.seed} is set, runs that one seed instead, with a trace to standard output.
     *
     * @param firstSeed the first seed
     * @param count     how many seeds
     * @return the report; {@link SimulationReport#assertPassed()} fails a test on any violation
     */
    public SimulationReport run(long firstSeed, long count) {
        if (commands == null) throw new IllegalStateException("commands(...) is required");
        String single = System.getProperty("floe.sim.seed");
        if (single != null && !single.isBlank()) {
            long seed = Long.parseLong(single.trim());
            if (trace == null) trace = System.out::println;
            traceOperations = true;
            return runSeeds(seed, 1, false);
        }
        return runSeeds(firstSeed, count, count > 1);
    }

    private SimulationReport runSeeds(long first, long count, boolean parallel) {
        String replay = replayPrefix();
        List<SimulationFailure> failures = Collections.synchronizedList(new ArrayList<>());
        SimStats total = new SimStats();
        long start = System.nanoTime();
        LongStream seeds = LongStream.range(first, first + count);
        (parallel ? seeds.parallel() : seeds).forEach(seed -> {
            SimStats stats = runOne(seed, replay, failures);
            synchronized (total) {
                total.add(stats);
            }
        });
        List<SimulationFailure> sorted = new ArrayList<>(failures);
        sorted.sort((a, b) -> Long.compare(a.seed(), b.seed()));
        return new SimulationReport(first, count, List.copyOf(sorted), total, (System.nanoTime() - start) / 1_000_000);
    }

    private SimStats runOne(long seed, String replay, List<SimulationFailure> failures) {
        return multiRaft ? runHosts(seed, replay, failures) : runCluster(seed, replay, failures);
    }

    private SimStats runCluster(long seed, String replay, List<SimulationFailure> failures) {
        SimShape shape = shapes.apply(SimShape.of(seed, faultMillis));
        SimCluster cluster = new SimCluster(shape, factory, commands, queries);
        if (trace != null) {
            trace.accept("seed " + seed + ": " + shape);
            cluster.traceTo(trace, traceOperations);
        }
        if (summaries != null) cluster.summariesTo(summaries);
        try {
            cluster.run();
            checkHistory(cluster.history, cluster.applyLog);
        } catch (RuntimeException | Error e) {
            failures.add(failure(seed, e, shape.toString(), replay, cluster.recentEvents()));
        }
        cluster.stats.events = cluster.world.events();
        cluster.stats.snapshotsInstalled = cluster.applyLog.restores;
        return cluster.stats;
    }

    private SimStats runHosts(long seed, String replay, List<SimulationFailure> failures) {
        SimHostShape shape = hostShapes.apply(SimHostShape.of(seed, faultMillis));
        SimHostCluster cluster = new SimHostCluster(shape, factory, commands, queries);
        if (trace != null) {
            trace.accept("seed " + seed + ": " + shape);
            cluster.traceTo(trace, traceOperations);
        }
        try {
            cluster.run();
            for (SimHostGroup g : cluster.groups) {
                try {
                    checkHistory(g.history, g.applyLog);
                } catch (SimulationViolation v) {
                    throw g.named(v);
                }
            }
        } catch (RuntimeException | Error e) {
            failures.add(failure(seed, e, shape.toString(), replay, cluster.recentEvents()));
        }
        cluster.stats.events = cluster.world.events();
        for (SimHostGroup g : cluster.groups) cluster.stats.snapshotsInstalled += g.applyLog.restores;
        return cluster.stats;
    }

    /** Linearizability against the model, or without one that every completed write was applied (once). */
    private void checkHistory(History history, ApplyLog applyLog) {
        if (model != null) {
            String wrong = LinearizabilityCheck.check(history, applyLog, model);
            if (wrong != null) throw new SimulationViolation("Linearizability", wrong);
        } else {
            String wrong = LinearizabilityCheck.writesApplied(history, applyLog);
            if (wrong != null) throw new SimulationViolation("Exactly once", wrong);
        }
    }

    private static SimulationFailure failure(long seed, Throwable e, String shape, String replay, String recentEvents) {
        if (e instanceof SimulationViolation v) {
            return new SimulationFailure(seed, v.property, v.getMessage() + "\n  run: " + shape, replay + seed, recentEvents);
        }
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return new SimulationFailure(seed, "No unexpected exception",
                w.toString().lines().limit(15).reduce((a, b) -> a + "\n" + b).orElse("") + "\n  run: " + shape, replay + seed, recentEvents);
    }

    /** {@code mvn ... -Dtest=<calling test class> -Dfloe.sim.seed=}, from the first caller outside the testkit. */
    private static String replayPrefix() {
        String caller = StackWalker.getInstance().walk(frames -> frames
                .map(StackWalker.StackFrame::getClassName)
                .filter(c -> !c.equals(SimulationRunner.class.getName()))
                .findFirst().orElse("YourSimulationTest"));
        String simple = caller.substring(caller.lastIndexOf('.') + 1);
        return "mvn -B -q test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=" + simple + " -Dfloe.sim.seed=";
    }
}
