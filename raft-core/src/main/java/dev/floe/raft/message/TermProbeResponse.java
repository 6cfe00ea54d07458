package dev.floe.raft.message;

import dev.floe.raft.NodeId;

/**
 * The answer to a {@link TermProbe}: the responder's current term when it answered.
 *
 * @param from    the voter that answers
 * @param to      the repairing member
 * @param term    the responder's current term
 * @param probeId the probe round being answered
 */
public record TermProbeResponse(NodeId from, NodeId to, long term, long probeId) implements Message {
    @Override
    public String toString() {
        return "TermProbeResp " + from + "->" + to + " t" + term + " id=" + probeId;
    }
}
