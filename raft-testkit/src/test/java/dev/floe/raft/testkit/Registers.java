package dev.floe.raft.testkit;

import dev.floe.raft.Bytes;
import dev.floe.raft.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small replicated service for the simulation: named registers. {@code add r n} adds n to
 * register r and returns the new value; {@code get r} returns its value. Plus its sequential model.
 */
final class Registers implements StateMachine {
    private final TreeMap<String, Long> values = new TreeMap<>();

    @Override
    public Bytes apply(long index, Bytes command) {
        String[] parts = command.toUtf8().split(" ");
        long v = values.merge(parts[1], Long.parseLong(parts[2]), Long::sum);
        return Bytes.utf8(Long.toString(v));
    }

    @Override
    public Bytes read(Bytes query) {
        return Bytes.utf8(Long.toString(values.getOrDefault(query.toUtf8().split(" ")[1], 0L)));
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(values.size());
        for (Map.Entry<String, Long> e : values.entrySet()) {
            data.writeUTF(e.getKey());
            data.writeLong(e.getValue());
        }
        data.flush();
    }

    @Override
    public void restoreSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        values.clear();
        for (int i = data.readInt(); i > 0; i--) values.put(data.readUTF(), data.readLong());
    }

    static OperationGenerator commands() {
        return random -> Bytes.utf8("add r" + random.nextInt(3) + " " + (1 + random.nextInt(9)));
    }

    static OperationGenerator queries() {
        return random -> Bytes.utf8("get r" + random.nextInt(3));
    }

    /** The sequential specification: immutable maps. */
    static final class Model implements SequentialModel<Map<String, Long>> {
        @Override
        public Map<String, Long> initial() {
            return Map.of();
        }

        @Override
        public Step<Map<String, Long>> apply(Map<String, Long> state, long index, Bytes command) {
            String[] parts = command.toUtf8().split(" ");
            TreeMap<String, Long> next = new TreeMap<>(state);
            long v = next.merge(parts[1], Long.parseLong(parts[2]), Long::sum);
            return new Step<>(Map.copyOf(next), Bytes.utf8(Long.toString(v)));
        }

        @Override
        public Bytes read(Map<String, Long> state, Bytes query) {
            return Bytes.utf8(Long.toString(state.getOrDefault(query.toUtf8().split(" ")[1], 0L)));
        }
    }
}
