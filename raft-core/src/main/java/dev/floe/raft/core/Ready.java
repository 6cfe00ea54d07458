package dev.floe.raft.core;

import dev.floe.raft.Entry;
import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.message.Message;
import java.util.List;
import java.util.Optional;

/**
 * One batch of work the core hands to its caller (obtained from {@link RaftNode#ready()}). The core
 * performs no I/O; the caller does, in this order — the <b>ordering contract</b>:
 *
 * <ol>
 *   <li value="0">If {@link #snapshot()} is present, the core accepted the snapshot the caller
 *       stored and stepped in (paper §7): reset the log to it ({@code LogStorage.reset}) before
 *       persisting {@link #entries()}, and restore the state machine from it before applying
 *       {@link #committedEntries()} (which all follow it). The acknowledgement to the leader is in
 *       {@link #messagesAfterPersist()}, so it leaves only once the reset is durable.</li>
 *   <li>{@link #messages()} may be sent while this Ready's entries are being persisted, but only
 *       once the hard state of every earlier Ready is durable (a caller that pipelines Readies
 *       holds them back until then). They are the leader's AppendRequests, heartbeats, snapshots
 *       and TimeoutNow, which promise nothing about the sender's log: the leader writes its log in
 *       parallel with replicating it (thesis §10.2.1) and counts itself toward a majority only once
 *       durable. No message may carry a term or follow a vote that is not yet durable (Figure 2;
 *       etcd/raft's README: "no messages be sent until the latest HardState has been persisted"),
 *       so a Ready that has a {@link #hardState()} has no {@code messages()}: they are all in
 *       {@link #messagesAfterPersist()}.</li>
 *   <li>{@link #hardState()} (if present) and {@link #entries()} (if any) must be made durable, in
 *       the order the Readies were produced. If the first entry's index is at or below what the
 *       log already holds, the log's suffix from that index is replaced (the core decided it
 *       conflicts with the leader).</li>
 *   <li>{@link #messagesAfterPersist()} may be sent only once this Ready's hard state and entries,
 *       and those of every earlier Ready, are durable: they include vote grants (the vote must be
 *       on disk first, Raft paper Figure 2) and AppendResponses (an acknowledged entry must be on
 *       disk).</li>
 *   <li>When this Ready's entries are durable, call {@link RaftNode#persisted(long, long)} with the
 *       index and term of {@link #lastEntryToPersist()} — from the consensus thread, like every
 *       call into the core.</li>
 *   <li>{@link #committedEntries()} are committed and durable here; apply them in order. They may be
 *       applied concurrently with the steps above.</li>
 *   <li>{@link #readStates()} answer earlier {@link RaftNode#readIndex(long)} calls; a read that is
 *       {@link ReadState.Ready} may be served once the applied index reaches its read index.</li>
 *   <li>For each peer in {@link #snapshotTransfers()}, stream the latest snapshot from the
 *       {@code SnapshotStore} to it in chunks ({@code SnapshotRequest}s of this node's current term;
 *       only the last one, {@code done}, is stepped into the receiver's core once its data is stored
 *       and verified), then report the outcome with {@link RaftNode#reportSnapshot}.</li>
 *   <li value="8">For each of {@link #logReads()}, read its entries with {@code LogReader.entries}
 *       off the consensus thread (that read may wait for the disk; the core never does) and hand
 *       them, or none if they were compacted meanwhile, to {@link RaftNode#entriesRead}. The reads
 *       are independent of the other steps and of each other.</li>
 * </ol>
 *
 * @param hardState            term and vote to persist, present only when they changed
 * @param entries              log entries to persist, consecutive
 * @param messages             to send now
 * @param messagesAfterPersist to send once this Ready's writes (and earlier ones) are durable
 * @param committedEntries     to apply, in order
 * @param readStates           outcomes of {@link RaftNode#readIndex(long)} requests
 * @param snapshot             a snapshot received from the leader to install (see step 0)
 * @param snapshotTransfers    peers that need the leader's latest snapshot (see step 7)
 * @param config               the membership in force, when it changed (a CONFIG entry was appended
 *                             or deleted, or a snapshot installed): the caller connects to new members
 *                             before sending this Ready's messages, and may disconnect removed ones
 * @param transfer             how a leadership transfer started with {@link RaftNode#transferLeadership} ended
 * @param logReads             durable entries the core needs and does not hold in memory: read each
 *                             off the consensus thread, in any order, and hand the result to
 *                             {@link RaftNode#entriesRead} (see step 8)
 */
public record Ready(Optional<HardState> hardState, List<Entry> entries, List<Message> messages,
                    List<Message> messagesAfterPersist, List<Entry> committedEntries, List<ReadState> readStates,
                    Optional<SnapshotMeta> snapshot, List<NodeId> snapshotTransfers, Optional<ConfigEntry> config,
                    Optional<TransferResult> transfer, List<LogRead> logReads) {

    public Ready {
        entries = List.copyOf(entries);
        messages = List.copyOf(messages);
        messagesAfterPersist = List.copyOf(messagesAfterPersist);
        committedEntries = List.copyOf(committedEntries);
        readStates = List.copyOf(readStates);
        snapshotTransfers = List.copyOf(snapshotTransfers);
        logReads = List.copyOf(logReads);
    }

    /** Whether anything must be made durable before {@link #messagesAfterPersist()} go out. */
    public boolean mustPersist() {
        return hardState.isPresent() || !entries.isEmpty() || snapshot.isPresent();
    }

    /** The last entry to persist, whose index and term go to {@link RaftNode#persisted}. */
    public Optional<Entry> lastEntryToPersist() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Ready{");
        hardState.ifPresent(hs -> sb.append(hs).append(' '));
        if (!entries.isEmpty()) sb.append("persist=").append(entries.get(0).index()).append("..").append(entries.get(entries.size() - 1).index()).append(' ');
        if (!messages.isEmpty()) sb.append("send=").append(messages).append(' ');
        if (!messagesAfterPersist.isEmpty()) sb.append("sendAfterPersist=").append(messagesAfterPersist).append(' ');
        snapshot.ifPresent(m -> sb.append("install=").append(m).append(' '));
        config.ifPresent(c -> sb.append("config=").append(c.config()).append('@').append(c.index()).append(' '));
        transfer.ifPresent(t -> sb.append("transfer=").append(t).append(' '));
        if (!snapshotTransfers.isEmpty()) sb.append("sendSnapshotTo=").append(snapshotTransfers).append(' ');
        if (!logReads.isEmpty()) sb.append("read=").append(logReads).append(' ');
        if (!readStates.isEmpty()) sb.append("reads=").append(readStates).append(' ');
        if (!committedEntries.isEmpty()) sb.append("apply=").append(committedEntries.get(0).index()).append("..").append(committedEntries.get(committedEntries.size() - 1).index());
        return sb.append('}').toString();
    }
}
