package dev.floe.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.NodeId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The majority rule against a brute-force oracle (Raft paper §5.2-5.4, §6 for joint configurations). */
class QuorumTest {

    private static List<NodeId> ids(int n, String prefix) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) out.add(NodeId.of(prefix + i));
        return out;
    }

    /** Oracle: the largest index such that at least a majority have match >= index. */
    private static long oracleCommitted(List<NodeId> voters, Map<NodeId, Long> match) {
        long best = 0;
        for (NodeId candidate : voters) {
            long idx = match.get(candidate);
            long count = voters.stream().filter(v -> match.get(v) >= idx).count();
            if (count >= voters.size() / 2 + 1) best = Math.max(best, idx);
        }
        return best;
    }

    @Test
    void committedIndexMatchesOracle() {
        SplittableRandom r = new SplittableRandom(42);
        for (int round = 0; round < 2000; round++) {
            List<NodeId> voters = ids(1 + r.nextInt(7), "v");
            Map<NodeId, Long> match = new HashMap<>();
            for (NodeId v : voters) match.put(v, (long) r.nextInt(20));
            assertThat(Quorum.committedIndex(voters, match::get)).isEqualTo(oracleCommitted(voters, match));
        }
    }

    @Test
    void jointCommittedIndexNeedsBothMajorities_section6() {
        SplittableRandom r = new SplittableRandom(7);
        for (int round = 0; round < 2000; round++) {
            List<NodeId> in = ids(1 + r.nextInt(5), "a");
            List<NodeId> out = ids(1 + r.nextInt(5), "b");
            Map<NodeId, Long> match = new HashMap<>();
            for (NodeId v : in) match.put(v, (long) r.nextInt(20));
            for (NodeId v : out) match.put(v, (long) r.nextInt(20));
            long expected = Math.min(oracleCommitted(in, match), oracleCommitted(out, match));
            assertThat(Quorum.jointCommittedIndex(in, out, match::get)).isEqualTo(expected);
        }
        assertThat(Quorum.jointCommittedIndex(ids(3, "a"), List.of(), id -> 5)).isEqualTo(5);
    }

    @Test
    void voteResultIsWonLostOrPending() {
        List<NodeId> five = ids(5, "v");
        Set<NodeId> yes = new TreeSet<>(five.subList(0, 3));
        assertThat(Quorum.voteResult(five, yes, Set.of())).isEqualTo(Quorum.VoteResult.WON);
        assertThat(Quorum.voteResult(five, new TreeSet<>(five.subList(0, 2)), Set.of())).isEqualTo(Quorum.VoteResult.PENDING);
        assertThat(Quorum.voteResult(five, Set.of(five.get(0)), new TreeSet<>(five.subList(1, 4)))).isEqualTo(Quorum.VoteResult.LOST);
        // Votes from non-members do not count.
        assertThat(Quorum.voteResult(five, new TreeSet<>(ids(5, "x")), Set.of())).isEqualTo(Quorum.VoteResult.PENDING);
    }

    @Test
    void jointVoteNeedsBothHalves_section6() {
        List<NodeId> in = ids(3, "a");
        List<NodeId> out = ids(3, "b");
        Set<NodeId> onlyIn = new TreeSet<>(in);
        assertThat(Quorum.jointVoteResult(in, out, onlyIn, Set.of())).isEqualTo(Quorum.VoteResult.PENDING);
        Set<NodeId> both = new TreeSet<>(in.subList(0, 2));
        both.addAll(out.subList(0, 2));
        assertThat(Quorum.jointVoteResult(in, out, both, Set.of())).isEqualTo(Quorum.VoteResult.WON);
        assertThat(Quorum.jointVoteResult(in, out, onlyIn, new TreeSet<>(out.subList(0, 2)))).isEqualTo(Quorum.VoteResult.LOST);
    }
}
