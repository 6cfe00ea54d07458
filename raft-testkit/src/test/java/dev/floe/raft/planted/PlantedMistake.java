package dev.floe.raft.planted;

import java.util.List;

/**
 * A classic Raft mistake, planted by test code only: exact snippets of one main source file of
 * raft-core and what each becomes. Production code has no switch for it (issue 11, item 4).
 *
 * @param name         what the mistake is
 * @param file         path of the source file under {@code src/main/java}
 * @param edits        the snippets to replace, each found exactly once in the file
 * @param scenarioTest {@code Class#method} of the deterministic scenario test that must catch it
 * @param reach        how the simulation catches it today
 * @param simulation   the {@code FullRuntimeSimulation} method that makes the simulation runner
 *                     catching it ({@code registers}: the standard mix of {@code FullRuntimeSimulationTest})
 */
record PlantedMistake(String name, String file, List<Edit> edits, String scenarioTest, Reach reach, String simulation) {

    /** How the simulation (as of this writing) catches a mistake. */
    enum Reach {
        /** Within the CI budget: checked on every build. */
        CI,
        /** Not within the CI budget with a comfortable margin: measured with {@code -Dfloe.planted.full=true}. */
        SLOW_TO_CATCH,
        /** The simulation's cluster shapes or faults are not known to produce the situation (still counted with {@code -Dfloe.planted.full=true}). */
        UNREACHABLE
    }

    /** Replace {@code original} (exactly once in the file) with {@code mutated}. */
    record Edit(String original, String mutated) {
    }

    static PlantedMistake of(String name, String file, String scenarioTest, Edit... edits) {
        return new PlantedMistake(name, file, List.of(edits), scenarioTest, Reach.CI, "registers");
    }

    PlantedMistake reach(Reach value) {
        return new PlantedMistake(name, file, edits, scenarioTest, value, simulation);
    }

    /** The same mistake, looked for by the simulation runner {@code FullRuntimeSimulation.<method>()}. */
    PlantedMistake simulatedBy(String method) {
        return new PlantedMistake(name, file, edits, scenarioTest, reach, method);
    }

    /** {@code source} with every edit applied; fails if a snippet is missing or ambiguous (the code moved on). */
    String apply(String source) {
        String out = source;
        for (Edit e : edits) {
            int at = out.indexOf(e.original());
            if (at < 0 || out.indexOf(e.original(), at + 1) >= 0) {
                throw new IllegalStateException(name + ": snippet not found exactly once in " + file + ":\n" + e.original());
            }
            out = out.substring(0, at) + e.mutated() + out.substring(at + e.original().length());
        }
        return out;
    }
}
