package dev.floe.raft.testkit;

import dev.floe.raft.Bytes;
import dev.floe.raft.StateMachine;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A state machine for tests: records every command in apply order. {@code apply} returns the index
 * it applied at; {@code read} returns how many commands were applied, or with the query
 * {@code "last"} the last command.
 */
public final class RecordingStateMachine implements StateMachine {
    private final List<String> commands = new ArrayList<>();
    private long lastIndex;
    /** While present, {@code apply} waits for it: a state machine that stalls. */
    private volatile CountDownLatch gate;

    /** Makes {@code apply} stall until {@link #unblock()}. */
    public void block() {
        gate = new CountDownLatch(1);
    }

    /** Lets a blocked {@code apply} go on. */
    public void unblock() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) g.countDown();
    }

    @Override
    public Bytes apply(long index, Bytes command) {
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while blocked", e);
            }
        }
        return record(index, command);
    }

    private synchronized Bytes record(long index, Bytes command) {
        if (index <= lastIndex) throw new AssertionError("applied " + index + " after " + lastIndex);
        lastIndex = index;
        String text = command.toUtf8();
        if (text.equals("boom")) throw new IllegalStateException("boom command");
        commands.add(text);
        return Bytes.utf8(Long.toString(index));
    }

    @Override
    public synchronized Bytes read(Bytes query) {
        if (query.toUtf8().equals("last")) return Bytes.utf8(commands.isEmpty() ? "" : commands.get(commands.size() - 1));
        return Bytes.utf8(Integer.toString(commands.size()));
    }

    /** A copy of the commands applied so far, in order. */
    public synchronized List<String> commands() {
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
