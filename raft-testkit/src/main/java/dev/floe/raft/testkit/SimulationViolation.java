package dev.floe.raft.testkit;

/** Thrown inside a run when a property breaks; the runner turns it into a {@link SimulationFailure}. */
final class SimulationViolation extends RuntimeException {
    final String property;

    SimulationViolation(String property, String detail) {
        super(detail, null, false, false);
        this.property = property;
    }
}
