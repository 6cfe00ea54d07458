package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.testkit.SimulationReport;
import dev.floe.raft.testkit.SimulationRunner;
import org.junit.jupiter.api.Test;

/**
 * raft-kv's state machine under the full-runtime simulation, exactly as
 * docs/testing-your-state-machine.md shows it.
 */
class KvSimulationTest {

    @Test
    void kvStateMachineIsLinearizableAndExactlyOnceUnderFaults() {
        SimulationReport report = SimulationRunner.forStateMachine(KvStateMachine::new)
                .commands(random -> {
                    Bytes key = Bytes.utf8("k" + random.nextInt(4));
                    Bytes value = Bytes.utf8("v" + random.nextInt(10));
                    return switch (random.nextInt(4)) {
                        case 0 -> new KvCommand.Delete(key).encode();
                        case 1 -> new KvCommand.PutIf(key, Bytes.utf8("v" + random.nextInt(10)), value).encode();
                        default -> new KvCommand.Put(key, value).encode();
                    };
                })
                .queries(random -> Bytes.utf8("k" + random.nextInt(4)))
                .model(new KvModel())
                .run(1, 50);
        report.assertPassed();
        assertThat(report.stats().writes()).isPositive();
        assertThat(report.stats().reads()).isPositive();
    }
}
