package dev.floe.raft.examples.it;

import dev.floe.raft.Bytes;
import dev.floe.raft.StateMachine;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/** Records the commands it applies, in order; {@code apply} returns the index, {@code query} the count. */
final class LogStateMachine implements StateMachine {
    private final List<String> commands = new ArrayList<>();

    @Override
    public synchronized Bytes apply(long index, Bytes command) {
        commands.add(command.toUtf8());
        return Bytes.utf8(Long.toString(index));
    }

    @Override
    public synchronized Bytes query(Bytes query) {
        return Bytes.utf8(Integer.toString(commands.size()));
    }

    synchronized List<String> commands() {
        return List.copyOf(commands);
    }

    @Override
    public void writeSnapshot(OutputStream out) {
        throw new UnsupportedOperationException("snapshots are not used by these tests");
    }

    @Override
    public void restoreSnapshot(InputStream in) {
        throw new UnsupportedOperationException("snapshots are not used by these tests");
    }
}
