package dev.floe.raft.examples.kv;

import dev.floe.raft.Bytes;
import dev.floe.raft.testkit.SequentialModel;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * raft-kv's map as a plain sequential specification, for the simulator's linearizability check:
 * an immutable map per state; results exactly as {@link KvStateMachine} encodes them.
 */
final class KvModel implements SequentialModel<Map<Bytes, Bytes>> {

    @Override
    public Map<Bytes, Bytes> initial() {
        return Map.of();
    }

    @Override
    public Step<Map<Bytes, Bytes>> apply(Map<Bytes, Bytes> state, long index, Bytes payload) {
        KvCommand command = KvCommand.decode(payload);
        Map<Bytes, Bytes> next = new HashMap<>(state);
        KvResult result;
        if (command instanceof KvCommand.Put p) {
            next.put(p.key(), p.value());
            result = new KvResult.Written(index);
        } else if (command instanceof KvCommand.PutIf p) {
            Bytes current = state.get(p.key());
            if (p.prev().equals(current)) {
                next.put(p.key(), p.value());
                result = new KvResult.Written(index);
            } else {
                result = new KvResult.CompareFailed(index, Optional.ofNullable(current));
            }
        } else {
            result = new KvResult.Deleted(index, next.remove(command.key()) != null);
        }
        return new Step<>(Map.copyOf(next), result.encode());
    }

    @Override
    public Bytes read(Map<Bytes, Bytes> state, Bytes key) {
        return KvStateMachine.encodeLookup(Optional.ofNullable(state.get(key)));
    }
}
