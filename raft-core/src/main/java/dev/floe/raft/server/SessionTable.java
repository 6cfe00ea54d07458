package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import dev.floe.raft.SessionExpiredException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Exactly-once client sessions (thesis §6.3), part of the replicated state: for each client, the
 * last sequence number applied and its response, so a retried command is answered from here and
 * not applied twice. Applier thread only; saved into and restored from snapshots with the state
 * machine it guards.
 *
 * <h2>Log time</h2>
 * Expiry must be decided identically on every replica, so it never reads a local clock: the leader
 * stamps its clock into every session entry, and the table's clock is the largest stamp applied so
 * far (monotonic even when a new leader's clock is behind). Before each session command, sessions
 * idle for longer than {@code expiryMillis} of that clock are expired.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>A client's first command (sequence 1) registers its session implicitly.</li>
 *   <li>A sequence above the last applied one is new: it is applied and its response kept.</li>
 *   <li>The last applied sequence again is a retry: answered with the kept response, not applied.</li>
 *   <li>A lower sequence was applied long ago and its response is gone: refused (a client keeps one
 *       command outstanding, so it never retries an older one).</li>
 *   <li>An expired client, or an unknown client whose sequence is above 1 (its session expired and
 *       was forgotten), is refused with {@link SessionExpiredException}: the command is not applied.
 *       Expired ids are remembered for {@link #TOMBSTONE_EXPIRIES} expiry periods.</li>
 * </ul>
 */
final class SessionTable {
    /** How many expiry periods an expired client id is remembered, so that even its first command is refused. */
    static final int TOMBSTONE_EXPIRIES = 16;
    private static final int FORMAT = 1;

    private record Session(long lastSequence, Bytes lastResponse, long lastActiveMillis) {
    }

    /** What became of a session command. */
    sealed interface Outcome {
        record Applied(Bytes response) implements Outcome {
        }

        record Duplicate(Bytes response) implements Outcome {
        }

        record Refused(RuntimeException reason) implements Outcome {
        }
    }

    private final long expiryMillis;
    /** Sorted, so iteration (and the snapshot encoding) is the same on every replica. */
    private final TreeMap<String, Session> sessions = new TreeMap<>();
    /** Expired client ids and the log time they expired at. */
    private final TreeMap<String, Long> expired = new TreeMap<>();
    /** Log time: the largest leader stamp applied. */
    private long clockMillis;

    SessionTable(long expiryMillis) {
        if (expiryMillis <= 0) throw new IllegalArgumentException("session expiry must be positive: " + expiryMillis);
        this.expiryMillis = expiryMillis;
    }

    /**
     * Applies session command {@code sequence} of {@code clientId}, stamped {@code leaderMillis}:
     * {@code apply} runs the state machine, only for a new command.
     */
    Outcome apply(String clientId, long sequence, long leaderMillis, Supplier<Bytes> apply) {
        clockMillis = Math.max(clockMillis, leaderMillis);
        expireIdle();
        Session s = sessions.get(clientId);
        if (s == null) {
            if (expired.containsKey(clientId)) {
                return new Outcome.Refused(new SessionExpiredException(clientId, sequence,
                        "inactive for more than " + expiryMillis + " ms of log time"));
            }
            if (sequence != 1) {
                return new Outcome.Refused(new SessionExpiredException(clientId, sequence,
                        "no session is known for it; sessions start at sequence 1"));
            }
        } else if (sequence == s.lastSequence()) {
            sessions.put(clientId, new Session(s.lastSequence(), s.lastResponse(), clockMillis));
            return new Outcome.Duplicate(s.lastResponse());
        } else if (sequence < s.lastSequence()) {
            return new Outcome.Refused(new IllegalArgumentException("command " + sequence + " of client '" + clientId
                    + "' was applied before command " + s.lastSequence() + "; its response is no longer kept"));
        }
        Bytes response = apply.get();
        sessions.put(clientId, new Session(sequence, response, clockMillis));
        return new Outcome.Applied(response);
    }

    private void expireIdle() {
        for (Iterator<Map.Entry<String, Session>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Session> e = it.next();
            if (clockMillis - e.getValue().lastActiveMillis() > expiryMillis) {
                expired.put(e.getKey(), clockMillis);
                it.remove();
            }
        }
        expired.values().removeIf(at -> clockMillis - at > TOMBSTONE_EXPIRIES * expiryMillis);
    }

    int size() {
        return sessions.size();
    }

    /** The table as it goes into a snapshot. */
    Bytes encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeLong(clockMillis);
            out.writeInt(sessions.size());
            for (Map.Entry<String, Session> e : sessions.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().lastSequence());
                out.writeLong(e.getValue().lastActiveMillis());
                out.writeInt(e.getValue().lastResponse().size());
                e.getValue().lastResponse().writeTo(out);
            }
            out.writeInt(expired.size());
            for (Map.Entry<String, Long> e : expired.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.flush();
            return Bytes.wrap(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the table with one from a snapshot; an empty {@code data} is an empty table. */
    void restore(Bytes data) throws IOException {
        sessions.clear();
        expired.clear();
        clockMillis = 0;
        if (data.isEmpty()) return;
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data.toByteArray()));
        int format = in.readUnsignedByte();
        if (format != FORMAT) throw new IOException("unknown session table format " + format);
        clockMillis = in.readLong();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String id = in.readUTF();
            long seq = in.readLong();
            long active = in.readLong();
            int size = in.readInt();
            if (size < 0 || size > data.size()) throw new IOException("bad response size " + size + " for client " + id);
            sessions.put(id, new Session(seq, Bytes.wrap(in.readNBytes(size)), active));
        }
        int m = in.readInt();
        for (int i = 0; i < m; i++) expired.put(in.readUTF(), in.readLong());
    }
}
