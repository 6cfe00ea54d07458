package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Entry;
import dev.floe.raft.LogReader;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The core never reads the disk: durable entries not in memory are asked for with a {@link LogRead}
 * and served once the caller hands them back; compaction is decided by the core at once.
 */
class RaftLogReadsTest {
    /** A durable log that holds nothing in memory: every read of it goes through a LogRead. */
    private static final class OnDiskOnly implements LogReader {
        final MemoryLogStorage log;
        int reads;

        OnDiskOnly(MemoryLogStorage log) {
            this.log = log;
        }

        @Override
        public long firstIndex() {
            return log.firstIndex();
        }

        @Override
        public long lastIndex() {
            return log.lastIndex();
        }

        @Override
        public long term(long index) {
            return log.term(index);
        }

        @Override
        public List<Entry> entries(long fromIndex, long toIndex, long maxBytes) {
            reads++;
            return log.entries(fromIndex, toIndex, maxBytes);
        }
    }

    private static List<Entry> terms(long from, long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) out.add(Entry.command(terms[i], from + i, cmd("e" + (from + i))));
        return out;
    }

    /** Durable 1..5 (terms 1 1 2 2 3), none of it in memory; 6..7 of term 3 appended, not yet persisted. */
    private final OnDiskOnly disk = new OnDiskOnly(new MemoryLogStorage(0, 0, terms(1, 1, 1, 2, 2, 3)));
    private final RaftLog log = new RaftLog(disk, 0);

    RaftLogReadsTest() {
        for (Entry e : terms(6, 3, 3)) log.appendAsLeader(e);
    }

    @Test
    void durableEntriesNotInMemoryAreReadOnceOffTheCallersThreadThenServed() {
        assertThat(log.slice(6, 8, Long.MAX_VALUE)).as("unstable entries are in memory").extracting(Entry::index).containsExactly(6L, 7L);
        assertThat(log.slice(2, 8, Long.MAX_VALUE)).as("not at hand").isNull();
        assertThat(log.slice(2, 8, Long.MAX_VALUE)).isNull();
        assertThat(disk.reads).as("the core itself never reads the disk").isZero();
        List<LogRead> reads = log.takeReadsToIssue();
        assertThat(reads).as("one read however often it is asked for").hasSize(1);
        LogRead read = reads.get(0);
        assertThat(read.from()).isEqualTo(2);
        assertThat(read.to()).as("the durable part only").isEqualTo(6);

        assertThat(log.entriesRead(read, disk.log.entries(read.from(), read.to(), read.maxBytes()))).isTrue();
        assertThat(log.slice(2, 8, Long.MAX_VALUE)).extracting(Entry::index).containsExactly(2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(log.slice(4, 8, Long.MAX_VALUE)).as("from within the chunk read").extracting(Entry::index).containsExactly(4L, 5L, 6L, 7L);
        assertThat(log.hasReadsToIssue()).isFalse();
    }

    @Test
    void aReadAnsweredAfterItsEntriesWereOverwrittenIsDropped() {
        assertThat(log.slice(4, 6, Long.MAX_VALUE)).isNull();
        LogRead read = log.takeReadsToIssue().get(0);
        List<Entry> old = disk.log.entries(4, 6, Long.MAX_VALUE);
        // A new leader overwrites the durable entries from 4 on (paper §5.3) while the read is under way.
        assertThat(log.maybeAppend(3, 2, terms(4, 4, 4))).isEqualTo(5);

        assertThat(log.entriesRead(read, old)).as("entries of a log that is no longer ours").isFalse();
        assertThat(log.slice(4, 6, Long.MAX_VALUE)).as("the new entries, from memory").extracting(Entry::term).containsExactly(4L, 4L);
        assertThat(log.slice(2, 4, Long.MAX_VALUE)).isNull();
        assertThat(log.takeReadsToIssue()).as("asked again, in the new epoch").extracting(LogRead::epoch).containsExactly(read.epoch() + 1);
    }

    @Test
    void applyingWaitsForAReadOfCommittedEntriesNotInMemory() {
        log.commitTo(5);
        assertThat(log.hasEntriesToApply()).isTrue();
        assertThat(log.takeEntriesToApply(Long.MAX_VALUE)).isEmpty();
        assertThat(log.hasEntriesToApply()).as("waits for the read, without asking again and again").isFalse();
        LogRead read = log.takeReadsToIssue().get(0);
        assertThat(read.from()).isEqualTo(1);

        log.entriesRead(read, disk.log.entries(read.from(), read.to(), read.maxBytes()));
        assertThat(log.hasEntriesToApply()).isTrue();
        assertThat(log.takeEntriesToApply(Long.MAX_VALUE)).extracting(Entry::index).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(disk.reads).isZero();
    }

    @Test
    void compactionIsDecidedAtOnceAndOnlyForAppliedEntries() {
        assertThat(log.compactTo(2)).as("nothing applied yet").isFalse();
        log.commitTo(5);
        log.takeEntriesToApply(Long.MAX_VALUE);
        log.entriesRead(log.takeReadsToIssue().get(0), disk.log.entries(1, 6, Long.MAX_VALUE));
        assertThat(log.takeEntriesToApply(Long.MAX_VALUE)).hasSize(5);

        assertThat(log.compactTo(3)).isTrue();
        assertThat(disk.log.firstIndex()).as("the caller deletes later").isEqualTo(1);
        assertThat(log.firstIndex()).as("gone for the core at once").isEqualTo(4);
        assertThat(log.term(3)).as("the snapshot's term still answers").isEqualTo(2);
        assertThatThrownBy(() -> log.slice(3, 8, Long.MAX_VALUE)).isInstanceOf(RaftLog.CompactedException.class);
        assertThat(log.compactTo(2)).as("already compacted").isFalse();
        assertThat(log.compactTo(6)).as("beyond what was applied").isFalse();
    }
}
