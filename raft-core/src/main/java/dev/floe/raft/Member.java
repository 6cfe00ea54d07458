package dev.floe.raft;

import java.util.Objects;

/**
 * One member of a Raft group and where to reach it: {@code raft} is the address the other members
 * use (the transport's), {@code client} the address it serves clients on (what a
 * {@link NotLeaderException} redirects to). {@code voter} says whether it votes and counts toward a
 * quorum, or is a learner that only receives the log (thesis §4.2.1).
 *
 * <p>Where a method decides the role itself ({@code addLearner}, {@code addVoter},
 * {@code changeMembers(voters, learners)}), that decision wins over {@code voter}.
 *
 * @param id     the member's id
 * @param raft   the address the other members reach it on
 * @param client the address it serves clients on
 * @param voter  whether it votes (else it is a learner)
 */
public record Member(NodeId id, Endpoint raft, Endpoint client, boolean voter) {
    /**
     * Checks that every address is given.
     *
     * @param id     the member's id
     * @param raft   the address the other members reach it on
     * @param client the address it serves clients on
     * @param voter  whether it votes (else it is a learner)
     */
    public Member {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(raft, "raft endpoint");
        Objects.requireNonNull(client, "client endpoint");
    }

    /**
     * A voting member.
     *
     * @param id     the member's id
     * @param raft   its address for the other members
     * @param client its address for clients
     * @return the member
     */
    public static Member voter(NodeId id, Endpoint raft, Endpoint client) {
        return new Member(id, raft, client, true);
    }

    /**
     * A learner: receives the log, never votes.
     *
     * @param id     the member's id
     * @param raft   its address for the other members
     * @param client its address for clients
     * @return the member
     */
    public static Member learner(NodeId id, Endpoint raft, Endpoint client) {
        return new Member(id, raft, client, false);
    }

    /**
     * This member with role {@code asVoter}.
     *
     * @param asVoter whether it votes
     * @return this member, or a copy with the new role
     */
    public Member withVoter(boolean asVoter) {
        return asVoter == voter ? this : new Member(id, raft, client, asVoter);
    }

    @Override
    public String toString() {
        return id + (voter ? "" : "(learner)") + "{raft=" + raft + " client=" + client + "}";
    }
}
