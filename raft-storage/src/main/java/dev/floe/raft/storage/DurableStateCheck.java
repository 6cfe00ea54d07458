package dev.floe.raft.storage;

import dev.floe.raft.HardState;
import dev.floe.raft.SnapshotMeta;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the hard state still vouches for the log beside it. A member saves a term before it
 * appends entries of that term or installs a snapshot of it (the persist order of
 * {@code dev.floe.raft.core.Ready}), so a hard-state term below the log's last term or the
 * snapshot's term, or no hard-state file next to a non-empty log, means the file was lost, damaged,
 * or restored from an older copy than the log: the votes it recorded are gone. Such a member must
 * repair (see {@code HardState#repairing()}): it keeps the highest term it can see and votes again
 * only once it has caught up with a leader.
 */
final class DurableStateCheck {
    private DurableStateCheck() {
    }

    /**
     * The problem found, if any.
     *
     * @param file     the hard-state file
     * @param loaded   what it holds; empty when missing
     * @param logFirst the log's first index
     * @param logLast  the log's last index (first - 1 when empty)
     * @param logTerm  the term of the log's last entry (or of the entry before its first)
     * @param snapshot the newest snapshot, if any
     */
    static Optional<String> problem(Path file, Optional<HardState> loaded, long logFirst, long logLast, long logTerm,
                                    Optional<SnapshotMeta> snapshot) {
        long snapshotTerm = snapshot.map(SnapshotMeta::lastTerm).orElse(0L);
        if (loaded.isEmpty()) {
            if (logLast >= logFirst || logTerm > 0) {
                return Optional.of(file + " is missing next to a log of entries [" + logFirst + ", " + logLast + "] (last term " + logTerm + ")");
            }
            if (snapshot.isPresent()) return Optional.of(file + " is missing next to snapshot " + snapshot.get());
            return Optional.empty(); // a new member
        }
        long term = loaded.get().term();
        if (term < logTerm) {
            return Optional.of(file + " says term " + term + " but the log's last entry (index " + logLast + ") has term " + logTerm
                    + ": the file is older than the log");
        }
        if (term < snapshotTerm) {
            return Optional.of(file + " says term " + term + " but snapshot " + snapshot.get() + " has term " + snapshotTerm
                    + ": the file is older than the snapshot");
        }
        return Optional.empty();
    }

    /** The hard state a member repairs with: the highest term it can see, no vote, repairing. */
    static HardState repairing(Optional<HardState> loaded, long logTerm, Optional<SnapshotMeta> snapshot) {
        long term = Math.max(loaded.map(HardState::term).orElse(0L), Math.max(logTerm, snapshot.map(SnapshotMeta::lastTerm).orElse(0L)));
        return new HardState(term, Optional.empty(), true);
    }
}
