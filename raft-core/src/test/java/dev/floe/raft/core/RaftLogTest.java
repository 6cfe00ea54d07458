package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /** The entries' (index, term) pairs from the first index to the last, as the log now reads. */
    private static List<String> shape(RaftLog log) {
        List<String> out = new ArrayList<>();
        for (long i = log.firstIndex(); i <= log.lastIndex(); i++) out.add(i + "@" + log.term(i));
        return out;
    }

    @Test
    void leadersHintReachesTheSnapshotIndexWhoseTermItStillKnows_section5_3() {
        // Snapshot at 2 (term 1), entries 3..4 of term 2: the leader's last entry of term 1 is the snapshot's.
        RaftLog compacted = new RaftLog(new MemoryLogStorage(2, 1, terms(3, 2, 2)), 2);
        assertThat(compacted.lastIndexOfTerm(1, 4)).isEqualTo(2);
        assertThat(compacted.matchTerm(2, 1)).as("the snapshot's last entry matches its term").isTrue();
        assertThat(compacted.matchTerm(1, 1)).as("below the snapshot nothing can be checked").isFalse();
        assertThat(compacted.maybeAppend(1, 1, terms(2, 1, 2))).as("a prev entry that was compacted away is not a match").isEqualTo(-1);
    }

    @Test
    void anEntryThatConflictsAtTheCommitIndexIsNeverReplaced_section5_4() {
        RaftLog log = log();
        log.persisted(7, 3);
        log.commitTo(5);
        // Entry 5 is committed with term 3: Leader Completeness says no leader can hold another one there.
        assertThatThrownBy(() -> log.maybeAppend(4, 2, terms(5, 4))).isInstanceOf(IllegalStateException.class);
        assertThat(shape(log)).as("nothing was lost").containsExactly("1@1", "2@1", "3@2", "4@2", "5@3", "6@3", "7@3");
        assertThat(log.maybeAppend(5, 3, terms(6, 4))).as("one past the commit index may be replaced").isEqualTo(6);
        assertThat(shape(log)).containsExactly("1@1", "2@1", "3@2", "4@2", "5@3", "6@4");
    }

    @Test
    void aFollowerOverwritesAConflictingSuffixWhereverItLies_Figure2rule3() {
        // Within the unstable tail, short of its end: 7 and 8 replaced, nothing duplicated.
        RaftLog tail = log();
        assertThat(tail.maybeAppend(7, 3, terms(8, 3))).isEqualTo(8);
        assertThat(tail.maybeAppend(6, 3, terms(7, 4, 4))).isEqualTo(8);
        assertThat(shape(tail)).containsExactly("1@1", "2@1", "3@2", "4@2", "5@3", "6@3", "7@4", "8@4");
        assertThat(tail.takeEntriesToPersist()).extracting(Entry::index).containsExactly(6L, 7L, 8L);

        // Past the end of a non-empty unstable tail: appended after it, the tail keeps its start.
        RaftLog extended = log();
        assertThat(extended.maybeAppend(7, 3, terms(8, 3))).isEqualTo(8);
        assertThat(shape(extended)).containsExactly("1@1", "2@1", "3@2", "4@2", "5@3", "6@3", "7@3", "8@3");
        assertThat(extended.takeEntriesToPersist()).extracting(Entry::index).containsExactly(6L, 7L, 8L);

        // Reaching into the durable part: the whole unstable tail goes, the durable suffix is shadowed.
        RaftLog deep = log();
        assertThat(deep.maybeAppend(3, 2, terms(4, 4, 4))).isEqualTo(5);
        assertThat(shape(deep)).containsExactly("1@1", "2@1", "3@2", "4@4", "5@4");
        assertThat(deep.durableIndex()).as("durable and still ours: up to 3").isEqualTo(3);
        assertThat(deep.takeEntriesToPersist()).extracting(Entry::index).containsExactly(4L, 5L);
    }

    @Test
    void anInstalledSnapshotReplacesTheWholeLogEvenItsUnstableTail_section7() {
        RaftLog log = log();
        log.restore(10, 5);
        assertThat(log.lastIndex()).isEqualTo(10);
        assertThat(log.lastTerm()).isEqualTo(5);
        assertThat(log.firstIndex()).isEqualTo(11);
        assertThat(log.committed()).isEqualTo(10);
        assertThat(log.hasEntriesToPersist()).isFalse();
        log.appendAsLeader(Entry.command(6, 11, cmd("after")));
        assertThat(log.takeEntriesToPersist()).extracting(Entry::index).containsExactly(11L);
    }

    @Test
    void anEmptyRangeIsEmptyEvenBelowTheSnapshot() {
        RaftLog compacted = new RaftLog(new MemoryLogStorage(2, 1, terms(3, 2, 2)), 2);
        assertThat(compacted.slice(1, 1, Long.MAX_VALUE)).isEmpty();
        assertThatThrownBy(() -> compacted.slice(1, 3, Long.MAX_VALUE)).isInstanceOf(RaftLog.CompactedException.class);
    }
}
