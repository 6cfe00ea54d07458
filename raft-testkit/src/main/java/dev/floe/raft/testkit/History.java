package dev.floe.raft.testkit;

import dev.floe.raft.Bytes;
import java.util.ArrayList;
import java.util.List;

/** What the simulated clients did and saw: every operation with its real-time (simulated) interval. */
final class History {
    /** One client operation. A write keeps its id across retries (one session sequence number). */
    static final class Operation {
        final long id;
        final boolean write;
        final Bytes input;
        final long invokedAt;
        long completedAt = -1;
        Bytes output;
        /** For reads: how many commands any replica had applied when the answer left the server. */
        int appliedBound;

        Operation(long id, boolean write, Bytes input, long invokedAt) {
            this.id = id;
            this.write = write;
            this.input = input;
            this.invokedAt = invokedAt;
        }

        boolean completed() {
            return completedAt >= 0;
        }

        @Override
        public String toString() {
            return (write ? "write " : "read ") + id + " [" + invokedAt / 1_000_000 + "ms, "
                    + (completed() ? completedAt / 1_000_000 + "ms" : "-") + "] " + input + " -> " + output;
        }
    }

    final List<Operation> operations = new ArrayList<>();

    Operation invoke(long id, boolean write, Bytes input, long now) {
        Operation op = new Operation(id, write, input, now);
        operations.add(op);
        return op;
    }
}
