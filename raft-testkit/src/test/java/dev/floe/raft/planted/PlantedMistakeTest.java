package dev.floe.raft.planted;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the tests catch real Raft mistakes, planted by this test only (production code has no
 * switch): for each {@link PlantedMistakes mistake}, raft-core is rebuilt with it and its scenario
 * test must fail; the simulation must then report a violation within {@link #SIM_SEEDS} seeds
 * (the CI budget of {@code FullRuntimeSimulationTest}) for the mistakes it reaches well within that budget.
 * {@code -Dfloe.planted.full=true} also runs the simulation on the others and counts how many of
 * the seeds catch each mistake (minutes; for measurements, not CI); {@code -Dfloe.planted.only=A,B}
 * keeps the mistakes whose name contains A or B.
 */
class PlantedMistakeTest {
    /** The CI budget: the seeds FullRuntimeSimulationTest runs on the correct build ({@code floe.sim.seeds}, 1,000 in the pom). */
    private static final long SIM_SEEDS = Long.getLong("floe.planted.seeds", Long.getLong("floe.sim.seeds", 1000));
    private static final boolean FULL = Boolean.getBoolean("floe.planted.full");
    private static final List<String> ONLY = List.of(System.getProperty("floe.planted.only", "").split(","));
    private static final int BATCH = 32;

    @TempDir
    Path work;

    @TestFactory
    Stream<DynamicTest> everyPlantedMistakeIsCaught() throws Exception {
        // The mutated raft-core first, then raft-core (main and its scenario tests), then this
        // module (the simulator and this harness): all of Floe sees the mistake.
        Path mainClasses = location(dev.floe.raft.core.RaftNode.class);
        List<Path> rest = List.of(mainClasses, location(Class.forName("dev.floe.raft.core.ElectionTest")),
                location(dev.floe.raft.testkit.SimulationRunner.class), location(PlantedMistakeTest.class));
        Path sources = Path.of("..", "raft-core", "src", "main", "java"); // surefire runs in raft-testkit/
        MutantBuild build = new MutantBuild(mainClasses, rest, sources);
        return PlantedMistakes.all().stream().filter(m -> ONLY.stream().anyMatch(m.name()::contains)).map(mistake -> DynamicTest.dynamicTest(mistake.name(), () -> {
            ClassLoader mutant = build.build(mistake, Files.createTempDirectory(work, "mutant"));
            Optional<Throwable> caught = runScenario(mutant, mistake.scenarioTest());
            assertThat(caught).as("%s must fail with: %s", mistake.scenarioTest(), mistake.name()).isPresent();
            boolean simulate = mistake.reach() == PlantedMistake.Reach.CI || FULL;
            if (!simulate) {
                System.out.printf("planted mistake \"%s\": caught by %s; simulation: %s%n",
                        mistake.name(), mistake.scenarioTest(), mistake.reach());
                return;
            }
            // Seeds run in parallel batches (as SimulationTest runs them); the search stops after the
            // first batch with a catch, unless counting every catch.
            java.util.TreeMap<Long, String> catches = new java.util.TreeMap<>();
            for (long from = 1; from <= SIM_SEEDS && (FULL || catches.isEmpty()); from += BATCH) {
                java.util.stream.LongStream.range(from, Math.min(from + BATCH, SIM_SEEDS + 1)).parallel().forEach(seed -> {
                    Optional<String> violated = simulateUnchecked(mutant, mistake.simulation(), seed);
                    if (violated.isPresent()) {
                        synchronized (catches) {
                            catches.put(seed, violated.get());
                        }
                    }
                });
            }
            List<Long> catching = new ArrayList<>(catches.keySet());
            String property = catches.isEmpty() ? null : catches.firstEntry().getValue();
            System.out.printf("planted mistake \"%s\": caught by %s; simulation first catch at seed %s (%s)%s%n",
                    mistake.name(), mistake.scenarioTest(), catching.isEmpty() ? "none" : catching.get(0), property,
                    FULL ? ", " + catching.size() + " of " + SIM_SEEDS + " seeds catch it" : "");
            assertThat(catching).as("the simulation catches \"%s\" within %d seeds", mistake.name(), SIM_SEEDS).isNotEmpty();
        }));
    }

    private static Path location(Class<?> type) throws java.net.URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Runs one scenario test method of the mutated build; returns what it failed with, if it failed. */
    private static Optional<Throwable> runScenario(ClassLoader mutant, String testMethod) throws Exception {
        String[] parts = testMethod.split("#");
        Class<?> type = Class.forName(parts[0], true, mutant);
        var constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        Method method = type.getDeclaredMethod(parts[1]);
        method.setAccessible(true);
        try {
            method.invoke(constructor.newInstance());
            return Optional.empty();
        } catch (InvocationTargetException e) {
            return Optional.of(e.getCause());
        }
    }

    private static Optional<String> simulateUnchecked(ClassLoader mutant, String simulation, long seed) {
        try {
            return simulate(mutant, simulation, seed);
        } catch (Exception e) {
            throw new IllegalStateException("seed " + seed + " could not run", e);
        }
    }

    /**
     * The one place that drives the simulator: runs seed {@code seed} of the simulation
     * {@code FullRuntimeSimulation.<simulation>()} (raft-testkit's full-runtime simulation of real
     * RaftServers; {@code registers} as {@code FullRuntimeSimulationTest} runs it) on the mutated
     * build and returns the violated property, if any.
     */
    static Optional<String> simulate(ClassLoader mutant, String simulation, long seed) throws Exception {
        Class<?> type = Class.forName("dev.floe.raft.testkit.FullRuntimeSimulation", true, mutant);
        Object runner = type.getMethod(simulation).invoke(null);
        Object report = runner.getClass().getMethod("run", long.class, long.class).invoke(runner, seed, 1L);
        List<?> failures = (List<?>) report.getClass().getMethod("failures").invoke(report);
        if (failures.isEmpty()) return Optional.empty();
        Object first = failures.get(0);
        return Optional.of((String) first.getClass().getMethod("property").invoke(first));
    }
}
