package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.OutcomeUnknownException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Commands accepted into the leader's log and not yet resolved, by log index. The consensus thread
 * registers a command right after {@code propose} accepts it (so before the entry can be handed
 * out for applying); the applier resolves it when the entry at that index is applied.
 *
 * <p>The rule that makes answers exact: an entry is identified by (index, term) (Log Matching,
 * Raft paper §5.3). If the entry applied at the command's index has the command's term, it is the
 * command; if it has another term, a later leader overwrote the command before it committed, and
 * committed entries are never overwritten, so the command was definitely not applied.
 */
final class Proposals {
    private final Map<Long, PendingWrite> byIndex = new ConcurrentHashMap<>();
    /** Builds the "not applied" failure with the freshest leader hint. */
    private final Function<String, RuntimeException> notLeader;

    Proposals(Function<String, RuntimeException> notLeader) {
        this.notLeader = notLeader;
    }

    /**
     * Consensus thread: {@code write} was accepted at (index, term). Returns the command this one
     * displaces, which the caller must fail with {@link #displacedFailure}: we lost leadership, our
     * uncommitted tail was cut, and now that we lead again the position is reused.
     */
    Optional<PendingWrite> register(PendingWrite write, long index, long term) {
        write.index = index;
        write.term = term;
        return Optional.ofNullable(byIndex.put(index, write));
    }

    /** The old entry may still survive in another member's log and commit later: its fate is unknown. */
    static OutcomeUnknownException displacedFailure(PendingWrite old) {
        return new OutcomeUnknownException("command proposed at index " + old.index + " in term " + old.term
                + " was overwritten locally after a leader change; another member may still commit it");
    }

    /** Applier thread: {@code entry} was applied with {@code result} (empty for no-op and config entries). */
    void applied(Entry entry, Bytes result) {
        PendingWrite write = byIndex.remove(entry.index());
        if (write == null) return;
        if (write.term == entry.term()) {
            write.future.complete(result);
        } else {
            write.future.completeExceptionally(notLeader.apply("the command at index " + entry.index()
                    + " of term " + write.term + " was replaced by the entry of term " + entry.term()
                    + " before it committed, so it was not applied"));
        }
    }

    /**
     * Applier thread: {@code entry} was applied but its command was refused ({@code failure}), for
     * example a session command from an expired session; the state machine did not see it.
     */
    void refused(Entry entry, RuntimeException failure) {
        PendingWrite write = byIndex.remove(entry.index());
        if (write == null) return;
        if (write.term == entry.term()) {
            write.future.completeExceptionally(failure);
        } else {
            applied(entry, Bytes.EMPTY); // not our command: the displaced-command rule applies
        }
    }

    /** Consensus thread: {@code write} timed out; forget it. */
    void forget(PendingWrite write) {
        if (write.proposed()) byIndex.remove(write.index, write);
    }

    /** Shutdown: fails every registered command with {@code failure}. */
    void failAll(RuntimeException failure) {
        for (PendingWrite w : byIndex.values()) w.future.completeExceptionally(failure);
        byIndex.clear();
    }

    int size() {
        return byIndex.size();
    }
}
