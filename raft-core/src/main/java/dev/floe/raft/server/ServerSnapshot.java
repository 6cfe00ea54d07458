package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import dev.floe.raft.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The layout of the data a server stores in a snapshot: a header, the server's own replicated
 * state, then the user's {@link StateMachine#writeSnapshot} stream. The server state is the
 * session table (thesis §6.3: it must travel with the state machine it deduplicates for) and the
 * context of the configuration in force at the snapshot's index (the members' addresses, which
 * the compacted CONFIG entries carried; {@code SnapshotMeta} holds only the member ids).
 *
 * <pre>
 *   int   magic "FLSS"
 *   byte  format (1)
 *   int   length of the session table, then its bytes
 *   int   length of the configuration context, then its bytes
 *   ...   the state machine's bytes, to the end
 * </pre>
 */
final class ServerSnapshot {
    private static final int MAGIC = 0x464c5353;
    private static final int FORMAT = 1;
    /** A server state larger than this in a snapshot is corruption, not data. */
    private static final int MAX_SERVER_STATE = 1 << 30;

    /** The server's own replicated state in a snapshot; both parts empty when there is none. */
    record ServerState(Bytes sessions, Bytes configContext) {
        static final ServerState EMPTY = new ServerState(Bytes.EMPTY, Bytes.EMPTY);
    }

    private ServerSnapshot() {
    }

    /** Writes the header, {@code serverState}, then the state machine's snapshot, to {@code out}. */
    static void write(OutputStream out, ServerState serverState, StateMachine stateMachine) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(MAGIC);
        data.writeByte(FORMAT);
        data.writeInt(serverState.sessions().size());
        serverState.sessions().writeTo(data);
        data.writeInt(serverState.configContext().size());
        serverState.configContext().writeTo(data);
        data.flush();
        // The user may close the stream it is given; the caller still has to commit it.
        stateMachine.writeSnapshot(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        });
    }

    /**
     * Reads the header from {@code in}, restores the state machine from the rest of it, and
     * returns the server state.
     *
     * @throws IOException when the stream is not a server snapshot
     */
    static ServerState restore(InputStream in, StateMachine stateMachine) throws IOException {
        ServerState state = readServerState(in);
        stateMachine.restoreSnapshot(in);
        return state;
    }

    /**
     * Reads only the header and the server state from {@code in}, leaving the stream at the state
     * machine's part.
     *
     * @throws IOException when the stream is not a server snapshot
     */
    static ServerState readServerState(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int magic = data.readInt();
        if (magic != MAGIC) throw new IOException("not a Floe server snapshot (magic " + Integer.toHexString(magic) + ")");
        int format = data.readUnsignedByte();
        if (format != FORMAT) throw new IOException("unknown server snapshot format " + format);
        Bytes sessions = readPart(data, "session table");
        Bytes configContext = readPart(data, "configuration context");
        return new ServerState(sessions, configContext);
    }

    private static Bytes readPart(DataInputStream data, String what) throws IOException {
        int size = data.readInt();
        if (size < 0 || size > MAX_SERVER_STATE) throw new IOException("bad " + what + " size " + size);
        byte[] bytes = data.readNBytes(size);
        if (bytes.length != size) throw new IOException("server snapshot truncated in its " + what);
        return Bytes.wrap(bytes);
    }
}
