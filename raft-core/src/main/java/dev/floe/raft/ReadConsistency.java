package dev.floe.raft;

/**
 * How fresh an answer to a read must be (thesis §6.4). Passed to {@code RaftServer.read(query, consistency)}.
 */
public enum ReadConsistency {
    /**
     * Linearizable (thesis §6.4, ReadIndex): the answer reflects every write that completed before
     * the read started. The leader confirms its leadership with one heartbeat round (batched across
     * concurrent reads) and waits until its commit index is applied; a follower asks the leader for
     * that index and waits until it has applied it. No log write. Correct whatever the clocks do.
     */
    LINEARIZABLE,
    /**
     * Lease-based (thesis §6.4.1): the leader answers without a heartbeat round while a quorum has
     * heard from it within an election timeout minus a clock-drift margin; linearizable only if
     * clocks drift by less than that margin (no server's clock runs that much slower or faster than
     * another's over an election timeout, and no process pause is longer). Served from the lease
     * only when lease reads are switched on ({@code RaftServerOptions.leaseReads}) and the lease
     * holds; otherwise (leases off, a follower, a lease that lapsed, a new leader before its first
     * commit, a leadership transfer in progress) exactly like {@link #LINEARIZABLE}.
     */
    LEASE,
    /**
     * Stale: the member's own state machine answers at once, on any member, with whatever it has
     * applied. Possibly out of date (by an unbounded amount on a partitioned member), but a member
     * never goes back in time within a process lifetime, and never shows an uncommitted write.
     */
    STALE
}
