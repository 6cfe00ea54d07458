package dev.floe.raft.core;

import dev.floe.raft.NodeId;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The majority rule, as pure functions (Raft paper §5.2 for votes, §5.3-5.4 for commitment). In a
 * joint configuration (paper §6) a decision needs a majority of both halves; an empty half counts
 * as agreeing, so the same code serves simple configurations.
 */
final class Quorum {
    private Quorum() {
    }

    /** The outcome of a vote count. */
    enum VoteResult { WON, LOST, PENDING }

    /** The number of members that make a majority of {@code size}. */
    static int majority(int size) {
        return size / 2 + 1;
    }

    /**
     * The highest index replicated on a majority of {@code voters}, given each voter's match index:
     * sort the matches descending and take the one at position majority - 1. An empty
     * configuration returns Long.MAX_VALUE, so it never limits a joint decision.
     */
    static long committedIndex(Collection<NodeId> voters, ToLongFunction<NodeId> matchOf) {
        if (voters.isEmpty()) return Long.MAX_VALUE;
        long[] matches = new long[voters.size()];
        int i = 0;
        for (NodeId id : voters) matches[i++] = matchOf.applyAsLong(id);
        Arrays.sort(matches);
        // ascending order: the majority-th highest sits at index size - majority
        return matches[matches.length - majority(matches.length)];
    }

    /** {@link #committedIndex} for a joint configuration: the lower of the two halves. */
    static long jointCommittedIndex(Collection<NodeId> incoming, Collection<NodeId> outgoing, ToLongFunction<NodeId> matchOf) {
        long index = Math.min(committedIndex(incoming, matchOf), committedIndex(outgoing, matchOf));
        return index == Long.MAX_VALUE ? 0 : index;
    }

    /** Counts {@code granted} and {@code rejected} votes among {@code voters}. */
    static VoteResult voteResult(Collection<NodeId> voters, Set<NodeId> granted, Set<NodeId> rejected) {
        if (voters.isEmpty()) return VoteResult.WON;
        int yes = 0;
        int no = 0;
        for (NodeId id : voters) {
            if (granted.contains(id)) yes++;
            else if (rejected.contains(id)) no++;
        }
        int needed = majority(voters.size());
        if (yes >= needed) return VoteResult.WON;
        if (voters.size() - no < needed) return VoteResult.LOST;
        return VoteResult.PENDING;
    }

    /** {@link #voteResult} for a joint configuration: won only if both halves are won, lost if either is lost. */
    static VoteResult jointVoteResult(Collection<NodeId> incoming, Collection<NodeId> outgoing, Set<NodeId> granted, Set<NodeId> rejected) {
        VoteResult a = voteResult(incoming, granted, rejected);
        VoteResult b = voteResult(outgoing, granted, rejected);
        if (a == VoteResult.LOST || b == VoteResult.LOST) return VoteResult.LOST;
        if (a == VoteResult.WON && b == VoteResult.WON) return VoteResult.WON;
        return VoteResult.PENDING;
    }

    /** Whether the members for which {@code active} holds form a quorum (both halves if joint). */
    static boolean isActiveQuorum(Collection<NodeId> incoming, Collection<NodeId> outgoing, Set<NodeId> active) {
        return voteResult(incoming, active, Set.of()) == VoteResult.WON && voteResult(outgoing, active, Set.of()) == VoteResult.WON;
    }
}
