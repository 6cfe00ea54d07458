package dev.floe.raft.message;

import dev.floe.raft.NodeId;

/**
 * "What is your current term?" — sent by a member that is repairing damaged durable state, to every
 * other voter, before it acknowledges anything. A member that lost its hard state (or was restored
 * from an old copy) also forgot the highest term it joined; until it has heard the terms of enough
 * voters to intersect every quorum, a leader deposed in that forgotten term could count its
 * acknowledgements (docs/operations.md, "storage faults and recovery"). The receiver answers with a
 * {@link TermProbeResponse} carrying its own term and does not act on {@code term} otherwise.
 *
 * @param from    the repairing member
 * @param to      a voter
 * @param term    the sender's current term (informational; the receiver does not adopt it)
 * @param probeId identifies this round of probes, so an answer to an earlier round is not counted
 */
public record TermProbe(NodeId from, NodeId to, long term, long probeId) implements Message {
    @Override
    public String toString() {
        return "TermProbe " + from + "->" + to + " t" + term + " id=" + probeId;
    }
}
