package dev.floe.raft.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * Deliberate mistakes that tests switch on to prove the simulator catches real Raft bugs. Package
 * private on purpose: no user can reach them. Each node reads the switches once, when created.
 */
enum PlantedBug {
    /** A candidate counts vote grants from an older term: late responses, and grants kept from its previous campaign. */
    COUNT_STALE_VOTES,
    /** The leader commits an entry of an earlier term by counting replicas (the Figure 8 mistake). */
    COMMIT_EARLIER_TERM_BY_COUNTING,
    /** A vote is answered before it is durable (the grant goes out with the unpersisted messages). */
    ANSWER_VOTE_BEFORE_PERSIST,
    /** The leader answers a read with its commit index without confirming it still leads (a stale read). */
    READ_WITHOUT_QUORUM_CHECK,
    /** The leader's read lease never expires (a deposed leader keeps serving lease reads). */
    LEASE_NEVER_EXPIRES;

    private static volatile Set<PlantedBug> enabled = EnumSet.noneOf(PlantedBug.class);

    /** Switches on exactly {@code bugs} for nodes created from now on (tests only). */
    static void enableOnly(Set<PlantedBug> bugs) {
        enabled = bugs.isEmpty() ? EnumSet.noneOf(PlantedBug.class) : EnumSet.copyOf(bugs);
    }

    static Set<PlantedBug> current() {
        return EnumSet.copyOf(enabled.isEmpty() ? EnumSet.noneOf(PlantedBug.class) : enabled);
    }
}
