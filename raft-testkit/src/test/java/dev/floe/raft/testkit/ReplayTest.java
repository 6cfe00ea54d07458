package dev.floe.raft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A seed is a complete description of a run: replaying it does exactly the same thing again. */
class ReplayTest {

    @Test
    void aSeedReplaysTheSameRunEventForEvent() {
        for (long seed : new long[] {3, 11}) {
            List<String> first = traceOf(seed);
            List<String> second = traceOf(seed);
            assertThat(first).hasSizeGreaterThan(5);
            assertThat(second).isEqualTo(first);
        }
    }

    private static List<String> traceOf(long seed) {
        List<String> trace = new ArrayList<>();
        SimulationReport report = SimulationRunner.forStateMachine(Registers::new)
                .commands(Registers.commands())
                .queries(Registers.queries())
                .model(new Registers.Model())
                .faultMillis(1_000)
                .traceTo(trace::add)
                .run(seed, 1);
        trace.add(report.stats().toString());
        return trace;
    }
}
