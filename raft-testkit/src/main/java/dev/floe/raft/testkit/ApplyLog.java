package dev.floe.raft.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one sequence of commands every replica's state machine must go through (State Machine
 * Safety, Raft paper §5.4.3), learned from whichever replica applies a position first: every other
 * replica must apply the same operation at that position and log index, in order, and no operation
 * may appear twice in it (exactly-once application of retried commands, thesis §6.3).
 */
final class ApplyLog {
    private final List<Long> operations = new ArrayList<>();
    private final List<Long> indexes = new ArrayList<>();
    private final Map<Long, Integer> positionOf = new HashMap<>();
    private final Map<Integer, Long> nextPosition = new HashMap<>();
    /** State machines restored from a snapshot (at restart or installed from the leader). */
    long restores;

    void applied(int replica, long index, long position, long operation) {
        Long expected = nextPosition.get(replica);
        if (expected != null && expected != position) {
            throw new SimulationViolation("State Machine Safety", "replica " + replica + " applied position " + position
                    + " (index " + index + ") after position " + (expected - 1));
        }
        nextPosition.put(replica, position + 1);
        if (position < operations.size()) {
            if (operations.get((int) position) != operation || indexes.get((int) position) != index) {
                throw new SimulationViolation("State Machine Safety", "replica " + replica + " applied operation " + operation
                        + " at index " + index + " as command #" + position + ", where another replica applied operation "
                        + operations.get((int) position) + " at index " + indexes.get((int) position));
            }
            return;
        }
        if (position > operations.size()) {
            throw new SimulationViolation("State Machine Safety", "replica " + replica + " applied command #" + position
                    + " but only " + operations.size() + " are known");
        }
        Integer before = positionOf.putIfAbsent(operation, (int) position);
        if (before != null) {
            throw new SimulationViolation("Exactly once", "operation " + operation + " was applied as command #" + before
                    + " and again as command #" + position + " (index " + index + ")");
        }
        operations.add(operation);
        indexes.add(index);
    }

    /** A replica's state was replaced by a snapshot taken after {@code position} commands. */
    void restored(int replica, long position) {
        restores++;
        if (position > operations.size()) {
            throw new SimulationViolation("State Machine Safety", "replica " + replica + " restored a snapshot after command #"
                    + position + " but only " + operations.size() + " were applied anywhere");
        }
        nextPosition.put(replica, position);
    }

    /** A replica's process restarted: its state machine starts empty (or from a snapshot, reported next). */
    void restarted(int replica) {
        nextPosition.put(replica, 0L);
    }

    int size() {
        return operations.size();
    }

    long operationAt(int position) {
        return operations.get(position);
    }

    /** The log index of the command at {@code position}. */
    long indexAt(int position) {
        return indexes.get(position);
    }

    /** The position of {@code operation} in the sequence, or -1. */
    int positionOf(long operation) {
        Integer p = positionOf.get(operation);
        return p == null ? -1 : p;
    }
}
