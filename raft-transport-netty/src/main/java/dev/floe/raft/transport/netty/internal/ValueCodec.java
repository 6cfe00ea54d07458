package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Maps the values inside messages (entries, snapshot metadata, configurations, node ids, numbers)
 * to and from their protobuf form. Decoding validates: protobuf's unsigned integers must fit a
 * non-negative {@code long}, ids must be valid, required sub-messages must be present.
 */
public final class ValueCodec {
    private ValueCodec() {
    }

    /** {@code value} when it is non-negative as a signed long (uint64 above 2^63-1 is rejected). */
    public static long nonNegative(long value, String field) throws WireException {
        if (value < 0) throw new WireException(field + " out of range: " + Long.toUnsignedString(value));
        return value;
    }

    public static NodeId nodeId(String value, String field) throws WireException {
        try {
            return NodeId.of(value);
        } catch (IllegalArgumentException e) {
            throw new WireException("invalid node id in " + field + ": " + e.getMessage());
        }
    }

    public static dev.floe.raft.transport.proto.Entry encodeEntry(Entry entry) {
        return dev.floe.raft.transport.proto.Entry.newBuilder()
                .setTerm(entry.term())
                .setIndex(entry.index())
                .setType(encodeType(entry.type()))
                .setData(ByteStrings.of(entry.data()))
                .build();
    }

    /** Decodes entries that must directly follow {@code prevLogIndex}, consecutively. */
    public static List<Entry> decodeEntries(List<dev.floe.raft.transport.proto.Entry> wire, long prevLogIndex) throws WireException {
        ArrayList<Entry> entries = new ArrayList<>(wire.size());
        long expected = prevLogIndex + 1;
        for (dev.floe.raft.transport.proto.Entry e : wire) {
            long index = nonNegative(e.getIndex(), "entry.index");
            long term = nonNegative(e.getTerm(), "entry.term");
            if (index != expected) throw new WireException("entry index " + index + " where " + expected + " was expected");
            if (term < 1) throw new WireException("entry " + index + " has term 0");
            entries.add(new Entry(term, index, decodeType(e.getType()), ByteStrings.toBytes(e.getData())));
            expected++;
        }
        return entries;
    }

    public static dev.floe.raft.transport.proto.SnapshotMeta encodeMeta(SnapshotMeta meta) {
        return dev.floe.raft.transport.proto.SnapshotMeta.newBuilder()
                .setLastIndex(meta.lastIndex())
                .setLastTerm(meta.lastTerm())
                .setConfig(encodeConfig(meta.config()))
                .build();
    }

    public static SnapshotMeta decodeMeta(dev.floe.raft.transport.proto.SnapshotMeta wire) throws WireException {
        long index = nonNegative(wire.getLastIndex(), "meta.last_index");
        long term = nonNegative(wire.getLastTerm(), "meta.last_term");
        if ((index == 0) != (term == 0)) throw new WireException("snapshot meta " + index + "@" + term + ": index and term must both be zero or both positive");
        if (!wire.hasConfig()) throw new WireException("missing field meta.config");
        return new SnapshotMeta(index, term, decodeConfig(wire.getConfig()));
    }

    public static dev.floe.raft.transport.proto.ClusterConfig encodeConfig(ClusterConfig config) {
        var b = dev.floe.raft.transport.proto.ClusterConfig.newBuilder();
        config.voters().forEach(id -> b.addVoters(id.value()));
        config.votersOutgoing().forEach(id -> b.addVotersOutgoing(id.value()));
        config.learners().forEach(id -> b.addLearners(id.value()));
        return b.build();
    }

    public static ClusterConfig decodeConfig(dev.floe.raft.transport.proto.ClusterConfig wire) throws WireException {
        SortedSet<NodeId> voters = ids(wire.getVotersList(), "config.voters");
        SortedSet<NodeId> outgoing = ids(wire.getVotersOutgoingList(), "config.voters_outgoing");
        SortedSet<NodeId> learners = ids(wire.getLearnersList(), "config.learners");
        try {
            return new ClusterConfig(voters, outgoing, learners);
        } catch (IllegalArgumentException e) {
            throw new WireException("invalid cluster config: " + e.getMessage());
        }
    }

    private static SortedSet<NodeId> ids(List<String> values, String field) throws WireException {
        TreeSet<NodeId> ids = new TreeSet<>();
        for (String v : values) {
            if (!ids.add(nodeId(v, field))) throw new WireException("duplicate node id " + v + " in " + field);
        }
        return ids;
    }

    private static dev.floe.raft.transport.proto.EntryType encodeType(EntryType type) {
        return switch (type) {
            case COMMAND -> dev.floe.raft.transport.proto.EntryType.ENTRY_TYPE_COMMAND;
            case NO_OP -> dev.floe.raft.transport.proto.EntryType.ENTRY_TYPE_NO_OP;
            case CONFIG -> dev.floe.raft.transport.proto.EntryType.ENTRY_TYPE_CONFIG;
        };
    }

    private static EntryType decodeType(dev.floe.raft.transport.proto.EntryType type) throws WireException {
        return switch (type) {
            case ENTRY_TYPE_COMMAND -> EntryType.COMMAND;
            case ENTRY_TYPE_NO_OP -> EntryType.NO_OP;
            case ENTRY_TYPE_CONFIG -> EntryType.CONFIG;
            case UNRECOGNIZED -> throw new WireException("unknown entry type");
        };
    }
}
