package dev.floe.raft.testkit;

import dev.floe.raft.Bytes;
import dev.floe.raft.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Wraps one replica's user state machine to watch what it is made to do: every command the
 * simulated clients submit carries an 8-byte operation id in front of the user's bytes, which this
 * wrapper strips before the user's {@code apply} sees the command, and reports (replica, index,
 * position, operation) to the {@link ApplyLog}. The position (how many commands the state went
 * through) travels in snapshots ahead of the user's own data.
 */
final class CheckedStateMachine implements StateMachine {
    private final int replica;
    private final StateMachine user;
    private final ApplyLog applyLog;
    /** Commands applied to this state since the beginning of the log. */
    private long position;

    CheckedStateMachine(int replica, StateMachine user, ApplyLog applyLog) {
        this.replica = replica;
        this.user = user;
        this.applyLog = applyLog;
    }

    static Bytes tag(long operation, Bytes command) {
        byte[] data = command.toByteArray();
        return Bytes.wrap(ByteBuffer.allocate(8 + data.length).putLong(operation).put(data).array());
    }

    @Override
    public Bytes apply(long index, Bytes command) {
        byte[] data = command.toByteArray();
        long operation = ByteBuffer.wrap(data).getLong();
        applyLog.applied(replica, index, position, operation);
        position++;
        return user.apply(index, Bytes.wrap(java.util.Arrays.copyOfRange(data, 8, data.length)));
    }

    @Override
    public Bytes read(Bytes query) {
        return user.read(query);
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(position);
        data.flush();
        user.writeSnapshot(out);
    }

    @Override
    public void restoreSnapshot(InputStream in) throws IOException {
        position = new DataInputStream(in).readLong();
        applyLog.restored(replica, position);
        user.restoreSnapshot(in);
    }
}
