package dev.floe.raft.testkit;

import dev.floe.raft.Bytes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@link History} against a {@link SequentialModel}, given the one order in which the
 * replicas applied the commands ({@link ApplyLog}). In Raft a command takes effect at its place in
 * the log, so the writes' order is known and only the reads' places are searched: a read returning
 * r is linearizable if some state in the sequence, no earlier than what every operation completed
 * before the read was invoked had made visible and no later than what was applied anywhere when the
 * answer left the server, answers r. Reads take the earliest such place, which constrains later
 * reads least. Every completed write must be in the sequence, with the model's result there.
 */
final class LinearizabilityCheck {
    private LinearizabilityCheck() {
    }

    /** Without a model: null when every completed write is in the sequence (once: the {@link ApplyLog} refuses repeats). */
    static String writesApplied(History history, ApplyLog applied) {
        for (History.Operation op : history.operations) {
            if (op.write && op.completed() && applied.positionOf(op.id) < 0) return "completed " + op + " was never applied";
        }
        return null;
    }

    /** Null when linearizable, else what is wrong. */
    static <S> String check(History history, ApplyLog applied, SequentialModel<S> model) {
        Map<Long, History.Operation> byId = new HashMap<>();
        for (History.Operation op : history.operations) if (op.write) byId.put(op.id, op);
        List<S> states = new ArrayList<>(applied.size() + 1);
        List<Bytes> results = new ArrayList<>(applied.size());
        S state = model.initial();
        states.add(state);
        for (int p = 0; p < applied.size(); p++) {
            History.Operation op = byId.get(applied.operationAt(p));
            if (op == null) return "command #" + p + " is operation " + applied.operationAt(p) + ", which no client submitted";
            SequentialModel.Step<S> step = model.apply(state, applied.indexAt(p), op.input);
            state = step.state();
            states.add(state);
            results.add(step.result());
        }
        // The state position each completed operation made visible: writes after themselves, reads where they read.
        Map<History.Operation, Integer> visible = new HashMap<>();
        for (History.Operation op : history.operations) {
            if (!op.write || !op.completed()) continue;
            int p = applied.positionOf(op.id);
            if (p < 0) return "completed " + op + " was never applied";
            if (!results.get(p).equals(op.output)) {
                return op + " returned " + op.output + " but the model returns " + results.get(p) + " at command #" + p;
            }
            visible.put(op, p + 1);
        }
        List<History.Operation> reads = new ArrayList<>();
        for (History.Operation op : history.operations) if (!op.write && op.completed()) reads.add(op);
        reads.sort(Comparator.comparingLong(o -> o.completedAt));
        List<History.Operation> done = new ArrayList<>(visible.keySet());
        done.sort(Comparator.comparingLong(o -> o.completedAt));
        for (History.Operation read : reads) {
            int low = 0;
            for (History.Operation before : done) {
                if (before.completedAt >= read.invokedAt) continue;
                Integer v = visible.get(before);
                if (v != null) low = Math.max(low, v);
            }
            int high = Math.min(read.appliedBound, states.size() - 1);
            int at = -1;
            for (int p = low; p <= high; p++) {
                if (model.read(states.get(p), read.input).equals(read.output)) {
                    at = p;
                    break;
                }
            }
            if (at < 0) {
                return read + " is not linearizable: no state between command #" + low + " (made visible before it was invoked) and #"
                        + high + " (applied when it was answered) answers " + read.output;
            }
            visible.put(read, at);
            done.add(read);
        }
        return null;
    }
}
