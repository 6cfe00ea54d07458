package dev.floe.raft.testkit;

import dev.floe.raft.NodeId;
import java.util.Optional;

/** The cluster at a glance, once per simulated second, for narrating a run ({@code raft-kv simulate}). */
public record SimSummary(long timeMillis, long term, Optional<NodeId> leader, long commitIndex, int membersUp,
                         int members, long writes, long reads, long crashes, long pauses, long partitions) {
}
