package dev.floe.raft.server;

/**
 * Receives a {@link RaftServer}'s {@link RaftEvent}s: role and leader changes, elections with their
 * cause, membership changes, snapshots, follower catch-up, a fatal error, and a periodic
 * {@link RaftEvent.Report} with the status, refusal counts and commit latencies (MicroRaft's
 * report listener is the model). Register with {@link RaftServer.Builder#listener}.
 *
 * <p>Called on the server's own threads (consensus, apply, snapshot): return quickly and never
 * block or call back into the server synchronously. An exception thrown here is logged and ignored.
 * Events are batched or periodic, never one per log entry, so a listener costs nothing on the hot
 * path; a server without listeners builds no events at all.
 */
@FunctionalInterface
public interface RaftListener {
    /**
     * Receives one event, on one of the server's threads (see above).
     *
     * @param event what happened
     */
    void onEvent(RaftEvent event);
}
