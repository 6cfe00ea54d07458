package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Entry;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log's halves of the conflict hint (paper §5.3) and the replication reads across its durable and unstable parts. */
class RaftLogTest {
    private static List<Entry> terms(long from, long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) out.add(Entry.command(terms[i], from + i, cmd("e" + (from + i))));
        return out;
    }

    /** Durable 1..5 with terms 1 1 2 2 3, and 6..7 of term 3 appended but not yet persisted. */
    private static RaftLog log() {
        RaftLog log = new RaftLog(new MemoryLogStorage(0, 0, terms(1, 1, 1, 2, 2, 3)), 0);
        for (Entry e : terms(6, 3, 3)) log.appendAsLeader(e);
        return log;
    }

    @Test
    void firstIndexOfTermScansBackToTheStartOfTheRun() {
        RaftLog log = log();
        assertThat(log.firstIndexOfTerm(7)).isEqualTo(5);
        assertThat(log.firstIndexOfTerm(4)).isEqualTo(3);
        assertThat(log.firstIndexOfTerm(3)).isEqualTo(3);
        assertThat(log.firstIndexOfTerm(2)).isEqualTo(1);
        assertThat(log.firstIndexOfTerm(1)).isEqualTo(1);
        RaftLog compacted = new RaftLog(new MemoryLogStorage(2, 1, terms(3, 1, 1, 2)), 2);
        assertThat(compacted.firstIndexOfTerm(4)).as("not below the snapshot").isEqualTo(3);
    }

    @Test
    void lastIndexOfTermFindsTheLeadersLastEntryOfAFollowersTerm() {
        RaftLog log = log();
        assertThat(log.lastIndexOfTerm(3, 7)).isEqualTo(7);
        assertThat(log.lastIndexOfTerm(3, 100)).as("capped at the last index").isEqualTo(7);
        assertThat(log.lastIndexOfTerm(2, 7)).isEqualTo(4);
        assertThat(log.lastIndexOfTerm(2, 3)).isEqualTo(3);
        assertThat(log.lastIndexOfTerm(1, 7)).isEqualTo(2);
        assertThat(log.lastIndexOfTerm(1, 1)).isEqualTo(1);
        assertThat(log.lastIndexOfTerm(4, 7)).as("a term we never had, above ours").isEqualTo(-1);
        assertThat(log.lastIndexOfTerm(2, 2)).as("scanning reached lower terms").isEqualTo(-1);
        assertThat(log.lastIndexOfTerm(5, 0)).isEqualTo(-1);
    }

    @Test
    void sliceReadsAcrossDurableAndUnstableEntriesWithinTheByteBudget() {
        RaftLog log = log();
        assertThat(log.slice(4, 8, Long.MAX_VALUE)).extracting(Entry::index).containsExactly(4L, 5L, 6L, 7L);
        assertThat(log.slice(6, 8, Long.MAX_VALUE)).extracting(Entry::index).containsExactly(6L, 7L);
        assertThat(log.slice(5, 5, Long.MAX_VALUE)).isEmpty();
        long one = terms(1, 1).get(0).sizeBytes();
        assertThat(log.slice(4, 8, 1)).as("at least one entry").extracting(Entry::index).containsExactly(4L);
        assertThat(log.slice(4, 8, 2 * one)).extracting(Entry::index).containsExactly(4L, 5L);
        assertThat(log.slice(4, 8, 3 * one)).extracting(Entry::index).containsExactly(4L, 5L, 6L);
        assertThat(log.slice(6, 8, one)).extracting(Entry::index).containsExactly(6L);
        assertThat(log.slice(6, 8, 2 * one)).extracting(Entry::index).containsExactly(6L, 7L);
    }

    @Test
    void persistedAcknowledgementsCountOnlyForTheEntriesTheyWrote() {
        RaftLog log = log();
        assertThat(log.durableIndex()).isEqualTo(5);
        assertThat(log.takeEntriesToPersist()).extracting(Entry::index).containsExactly(6L, 7L);
        assertThat(log.persisted(7, 2)).as("entry 7 has term 3: an overwritten write").isFalse();
        assertThat(log.durableIndex()).isEqualTo(5);
        assertThat(log.persisted(7, 3)).isTrue();
        assertThat(log.durableIndex()).isEqualTo(7);
        assertThat(log.persisted(7, 3)).as("nothing new").isFalse();
    }
}
