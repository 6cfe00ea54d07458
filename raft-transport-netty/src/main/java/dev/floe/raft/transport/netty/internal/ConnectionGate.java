package dev.floe.raft.transport.netty.internal;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts the connections of one port that have not completed their handshake, per remote address
 * and in all, and refuses new ones beyond the limits ({@code InboundLimits}). A connection holds a
 * {@link Ticket} from accept until its handshake is accepted or it closes. Thread-safe.
 */
public final class ConnectionGate {
    private final int perSource;
    private final int total;
    private final Map<InetAddress, Integer> bySource = new HashMap<>();
    private int open;

    public ConnectionGate(int perSource, int total) {
        this.perSource = perSource;
        this.total = total;
    }

    /** A ticket for one more untrusted connection from {@code source}, or null with the limits reached. */
    public synchronized Ticket admit(InetAddress source) {
        int fromSource = bySource.getOrDefault(source, 0);
        if (open >= total || fromSource >= perSource) return null;
        open++;
        bySource.put(source, fromSource + 1);
        return new Ticket(source);
    }

    /** Why {@link #admit} refused {@code source}, for the log line. */
    public synchronized String refusal(InetAddress source) {
        return open >= total ? "too many connections without a handshake (" + total + " in all)"
                : "too many connections without a handshake from this address (" + perSource + ")";
    }

    private synchronized void release(InetAddress source) {
        open--;
        bySource.computeIfPresent(source, (k, n) -> n > 1 ? n - 1 : null);
    }

    /** One admitted connection's place; {@link #release} is idempotent. */
    public final class Ticket {
        private final InetAddress source;
        private boolean released;

        private Ticket(InetAddress source) {
            this.source = source;
        }

        public void release() {
            synchronized (ConnectionGate.this) {
                if (released) return;
                released = true;
                ConnectionGate.this.release(source);
            }
        }
    }
}
