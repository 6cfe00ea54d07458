package dev.floe.raft.transport.netty.internal;

/** Looks through a Netty exception's causes (TLS failures arrive wrapped in decoder exceptions). */
public final class Throwables {
    private Throwables() {
    }

    /** The first of {@code t} and its causes that is a {@code type}, or null. */
    public static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return type.cast(c);
            if (c.getCause() == c) break;
        }
        return null;
    }
}
