package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import dev.floe.raft.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A state machine for snapshot tests: an ordered list of the commands applied, written whole into
 * snapshots. {@code apply} returns the number of commands after applying; {@code read} returns the
 * number of commands. Counts restores, so a test can tell a restart from a snapshot from a replay.
 */
final class SnapshottingStateMachine implements StateMachine {
    private final List<String> commands = new ArrayList<>();
    private int restores;
    private long lastIndex;

    @Override
    public synchronized Bytes apply(long index, Bytes command) {
        if (index <= lastIndex) throw new AssertionError("applied " + index + " after " + lastIndex);
        lastIndex = index;
        commands.add(command.toUtf8());
        return Bytes.utf8(Integer.toString(commands.size()));
    }

    @Override
    public synchronized Bytes read(Bytes query) {
        return Bytes.utf8(Integer.toString(commands.size()));
    }

    @Override
    public synchronized void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(lastIndex);
        data.writeInt(commands.size());
        for (String c : commands) data.writeUTF(c);
        data.flush();
    }

    @Override
    public synchronized void restoreSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        lastIndex = data.readLong();
        int n = data.readInt();
        commands.clear();
        for (int i = 0; i < n; i++) commands.add(data.readUTF());
        restores++;
    }

    synchronized List<String> commands() {
        return List.copyOf(commands);
    }

    synchronized int restores() {
        return restores;
    }
}
