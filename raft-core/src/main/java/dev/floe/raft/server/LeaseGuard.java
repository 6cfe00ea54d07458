package dev.floe.raft.server;

/**
 * Whether the core's lease (thesis §6.4.1) may be trusted <em>now</em>, in real time. The core
 * counts its lease in ticks: valid while fewer than {@code electionTicks - leaseMarginTicks} ticks
 * passed since the heartbeat round a quorum acknowledged was sent. The consensus loop ticks it from
 * the monotonic {@link Clock}, but after a stall (a paused process, a long GC) it skips the ticks it
 * missed instead of replaying them, and it handles the inputs queued during the stall before it
 * ticks: so right after a stall the core's tick count lags real time, and a lease that ran out
 * seconds ago still looks valid. The loop therefore serves a read from the lease only while the
 * core's ticks track the clock:
 * <ul>
 *   <li>no tick is overdue at the moment the read is served (the core's time is less than one tick
 *       behind the clock), and</li>
 *   <li>no tick was skipped during the last election timeout of ticks. A lease the core still
 *       considers valid then rests on a round sent after the last skip, whose age the core counted
 *       tick by tick: its real age is less than {@code (electionTicks - leaseMarginTicks)} ticks.</li>
 * </ul>
 * Otherwise the read falls back to ReadIndex (a heartbeat round), which needs no clock at all.
 * What remains assumed is only a bounded clock <em>drift rate</em> between members (see
 * docs/snapshots-reads-sessions.md): pauses of any length are safe. Consensus activity only.
 */
final class LeaseGuard {
    private final int electionTicks;
    /** Ticks the loop gave the core. */
    private long ticks;
    /** The tick count at the last skip; far in the past when none. */
    private long lastSkip = Long.MIN_VALUE / 2;

    LeaseGuard(int electionTicks) {
        this.electionTicks = electionTicks;
    }

    /** The loop ticked the core; {@code skipped} when it skipped ticks it had missed. */
    void ticked(boolean skipped) {
        ticks++;
        if (skipped) lastSkip = ticks;
    }

    /** Whether a lease read may be served at clock time {@code now}, the next tick being due at {@code nextTick}. */
    boolean trustsLease(long now, long nextTick) {
        return now - nextTick < 0 && ticks - lastSkip >= electionTicks;
    }
}
