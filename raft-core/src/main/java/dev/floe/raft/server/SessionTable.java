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
 * responses of its applied commands that it may still retry, so a retried command is answered from
 * here and not applied twice. Applier thread only; saved into and restored from snapshots with the
 * state machine it guards.
 *
 * <h2>The response window</h2>
 * A client numbers its commands 1, 2, 3, ... and sends with each the lowest sequence it still waits
 * for ({@code lowestOutstanding}): it has the responses of everything below, so the table forgets
 * them. The table keeps the response of every applied sequence from {@code lowestKept} (the highest
 * {@code lowestOutstanding} seen) up. Hence for a sequence at or above {@code lowestKept}, "applied"
 * is exactly "has a kept response", even when pipelined commands reach the log out of order (a
 * retry after a redirect may land after newer commands). At most {@link #MAX_KEPT} responses are
 * kept per client; beyond that the oldest are dropped and {@code lowestKept} rises.
 *
 * <h2>Log time</h2>
 * Expiry must be decided identically on every replica, so it never reads a local clock: the leader
 * stamps its clock into every session entry, and the table's clock is the largest stamp applied so
 * far (monotonic even when a new leader's clock is behind). Before each session command, sessions
 * idle for longer than {@code expiryMillis} of that clock are expired.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>An unknown client whose {@code lowestOutstanding} is 1 (it never received a response) registers.</li>
 *   <li>A sequence with a kept response is a retry: answered with it, not applied.</li>
 *   <li>A sequence below {@code lowestKept} was acknowledged by the client itself: refused.</li>
 *   <li>Any other sequence is new: applied, its response kept.</li>
 *   <li>An expired client, or an unknown client that already received responses
 *       ({@code lowestOutstanding > 1}: its session expired and was forgotten), is refused with
 *       {@link SessionExpiredException}; nothing is applied. Expired ids are remembered for
 *       {@link #TOMBSTONE_EXPIRIES} expiry periods.</li>
 * </ul>
 */
final class SessionTable {
    /** How many expiry periods an expired client id is remembered, so that even its first command is refused. */
    static final int TOMBSTONE_EXPIRIES = 16;
    /** Responses kept per client at most: the deepest pipeline a client may run safely. */
    static final int MAX_KEPT = 10_000;
    private static final int FORMAT = 1;

    private static final class Session {
        final ResponseWindow responses = new ResponseWindow();
        long lowestKept = 1;
        long lastActiveMillis;
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
    /** The log time of the last scan for idle sessions; none yet after a restore. */
    private long scannedAtMillis = Long.MIN_VALUE;

    SessionTable(long expiryMillis) {
        if (expiryMillis <= 0) throw new IllegalArgumentException("session expiry must be positive: " + expiryMillis);
        this.expiryMillis = expiryMillis;
    }

    /**
     * Applies session command {@code sequence} of {@code clientId}, sent while the client waited for
     * nothing below {@code lowestOutstanding}, stamped {@code leaderMillis}: {@code apply} runs the
     * state machine, only for a new command.
     */
    Outcome apply(String clientId, long sequence, long lowestOutstanding, long leaderMillis, Supplier<Bytes> apply) {
        clockMillis = Math.max(clockMillis, leaderMillis);
        expireIdle();
        Session s = sessions.get(clientId);
        if (s == null) {
            if (expired.containsKey(clientId)) {
                return new Outcome.Refused(new SessionExpiredException(clientId, sequence,
                        "inactive for more than " + expiryMillis + " ms of log time"));
            }
            if (lowestOutstanding != 1) {
                return new Outcome.Refused(new SessionExpiredException(clientId, sequence,
                        "no session is known for it, and it already received responses"));
            }
            s = new Session();
            sessions.put(clientId, s);
        }
        s.lastActiveMillis = clockMillis;
        if (lowestOutstanding > s.lowestKept) {
            s.lowestKept = lowestOutstanding;
            s.responses.removeBelow(lowestOutstanding); // the client has these responses
        }
        Bytes kept = s.responses.get(sequence);
        if (kept != null) return new Outcome.Duplicate(kept);
        if (sequence < s.lowestKept) {
            return new Outcome.Refused(new IllegalArgumentException("command " + sequence + " of client '" + clientId
                    + "' is below the lowest outstanding sequence " + s.lowestKept + " the client reported"));
        }
        Bytes response = apply.get();
        s.responses.put(sequence, response);
        if (s.responses.size() > MAX_KEPT) {
            s.lowestKept = s.responses.firstSequence() + 1;
            s.responses.removeFirst();
        }
        return new Outcome.Applied(response);
    }

    /*
     * Scans once per value of log time: sessions only become idle, and tombstones old, when the
     * clock moves, so a second scan at the same time finds nothing (every apply used to walk every
     * session). It depends on the log alone, so every replica expires the same sessions at the
     * same entry; a restore scans again at once, which changes nothing either.
     */
    private void expireIdle() {
        if (clockMillis == scannedAtMillis) return;
        scannedAtMillis = clockMillis;
        for (Iterator<Map.Entry<String, Session>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Session> e = it.next();
            if (clockMillis - e.getValue().lastActiveMillis > expiryMillis) {
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
                Session s = e.getValue();
                out.writeUTF(e.getKey());
                out.writeLong(s.lowestKept);
                out.writeLong(s.lastActiveMillis);
                out.writeInt(s.responses.size());
                for (int i = 0; i < s.responses.size(); i++) {
                    Bytes response = s.responses.responseAt(i);
                    out.writeLong(s.responses.sequenceAt(i));
                    out.writeInt(response.size());
                    response.writeTo(out);
                }
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
        scannedAtMillis = Long.MIN_VALUE;
        if (data.isEmpty()) return;
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data.toByteArray()));
        int format = in.readUnsignedByte();
        if (format != FORMAT) throw new IOException("unknown session table format " + format);
        clockMillis = in.readLong();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String id = in.readUTF();
            Session s = new Session();
            s.lowestKept = in.readLong();
            s.lastActiveMillis = in.readLong();
            int kept = in.readInt();
            if (kept < 0 || kept > MAX_KEPT) throw new IOException("bad response count " + kept + " for client " + id);
            for (int j = 0; j < kept; j++) {
                long seq = in.readLong();
                int size = in.readInt();
                if (size < 0 || size > data.size()) throw new IOException("bad response size " + size + " for client " + id);
                s.responses.put(seq, Bytes.wrap(in.readNBytes(size)));
            }
            sessions.put(id, s);
        }
        int m = in.readInt();
        for (int i = 0; i < m; i++) expired.put(in.readUTF(), in.readLong());
    }
}
