package dev.floe.raft.message;

import dev.floe.raft.NodeId;

/**
 * A message between two members of a Raft group. Every message carries the sender's current term
 * (Raft paper, Figure 2, "Rules for all servers"). Messages are immutable; a {@code Transport}
 * delivers them at most once each, possibly late, duplicated or out of order, or not at all, and
 * the core tolerates all of that.
 */
public sealed interface Message
        permits VoteRequest, VoteResponse, AppendRequest, AppendResponse, HeartbeatRequest, HeartbeatResponse,
                SnapshotRequest, SnapshotResponse, TimeoutNow, ReadIndexRequest, ReadIndexResponse,
                TermProbe, TermProbeResponse {

    /** {@return the sender} */
    NodeId from();

    /** {@return the receiver} */
    NodeId to();

    /** {@return the sender's term (for a pre-vote request, the term the sender would campaign in)} */
    long term();

    /** {@return a rough size in bytes, for flow control and queue bounds} */
    default long sizeBytes() {
        return 64;
    }
}
