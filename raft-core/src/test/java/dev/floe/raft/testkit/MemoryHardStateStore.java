package dev.floe.raft.testkit;

import dev.floe.raft.HardState;
import dev.floe.raft.HardStateStore;

/** A {@link HardStateStore} in memory, for tests. */
public final class MemoryHardStateStore implements HardStateStore {
    private volatile HardState state = HardState.INITIAL;

    @Override
    public HardState load() {
        return state;
    }

    @Override
    public void save(HardState newState) {
        state = newState;
    }
}
