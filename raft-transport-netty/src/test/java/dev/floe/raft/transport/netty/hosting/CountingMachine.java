package dev.floe.raft.transport.netty.hosting;

import dev.floe.raft.Bytes;
import dev.floe.raft.StateMachine;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** Records the commands it applies; can be made to block in {@code apply}, like a stuck state machine. */
final class CountingMachine implements StateMachine {
    final List<String> commands = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate;

    void block() {
        gate = new CountDownLatch(1);
    }

    void unblock() {
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
            }
        }
        commands.add(command.toUtf8());
        return Bytes.utf8(Long.toString(index));
    }

    @Override
    public Bytes read(Bytes query) {
        return Bytes.utf8(Integer.toString(commands.size()));
    }

    @Override
    public void writeSnapshot(OutputStream out) {
        throw new UnsupportedOperationException("no snapshots in these tests");
    }

    @Override
    public void restoreSnapshot(InputStream in) {
        throw new UnsupportedOperationException("no snapshots in these tests");
    }
}
