package dev.floe.raft.testkit;

/** The standard simulation of Floe's own tests: the {@link Registers} service with its model. */
public final class FullRuntimeSimulation {
    private FullRuntimeSimulation() {
    }

    public static SimulationRunner registers() {
        return SimulationRunner.forStateMachine(Registers::new)
                .commands(Registers.commands())
                .queries(Registers.queries())
                .model(new Registers.Model());
    }
}
