package dev.floe.raft.transport.netty;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.AppendResponse;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.HeartbeatResponse;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.ReadIndexRequest;
import dev.floe.raft.message.ReadIndexResponse;
import dev.floe.raft.message.SnapshotRequest;
import dev.floe.raft.message.SnapshotResponse;
import dev.floe.raft.message.TermProbe;
import dev.floe.raft.message.TermProbeResponse;
import dev.floe.raft.message.TimeoutNow;
import dev.floe.raft.message.VoteRequest;
import dev.floe.raft.message.VoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/** Random but valid messages of every type, for property-style round trips. */
final class RandomMessages {
    static final List<Class<? extends Message>> TYPES = List.of(VoteRequest.class, VoteResponse.class,
            AppendRequest.class, AppendResponse.class, HeartbeatRequest.class, HeartbeatResponse.class,
            SnapshotRequest.class, SnapshotResponse.class, TimeoutNow.class, ReadIndexRequest.class,
            ReadIndexResponse.class, TermProbe.class, TermProbeResponse.class);

    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

    private final Random random;

    RandomMessages(long seed) {
        this.random = new Random(seed);
    }

    Message any(NodeId from, NodeId to) {
        return of(TYPES.get(random.nextInt(TYPES.size())), from, to);
    }

    Message of(Class<? extends Message> type, NodeId from, NodeId to) {
        long term = count();
        if (type == VoteRequest.class) return new VoteRequest(from, to, term, count(), count(), random.nextBoolean(), random.nextBoolean());
        if (type == VoteResponse.class) return new VoteResponse(from, to, term, random.nextBoolean(), random.nextBoolean());
        if (type == AppendRequest.class) {
            long prev = count();
            if (prev > Long.MAX_VALUE - 16) prev = random.nextInt(1000);
            return new AppendRequest(from, to, term, prev, count(), entries(prev, random.nextInt(8)), count(), random.nextInt(4) == 0);
        }
        if (type == AppendResponse.class) {
            return new AppendResponse(from, to, term, random.nextBoolean(), count(), count(), count(), count(), count());
        }
        if (type == HeartbeatRequest.class) return new HeartbeatRequest(from, to, term, count(), random.nextLong());
        if (type == HeartbeatResponse.class) return new HeartbeatResponse(from, to, term, random.nextLong());
        if (type == SnapshotRequest.class) {
            return new SnapshotRequest(from, to, term, meta(), count(), payload(random.nextInt(300)), random.nextBoolean(), random.nextLong());
        }
        if (type == SnapshotResponse.class) return new SnapshotResponse(from, to, term, count(), count(), random.nextBoolean());
        if (type == TimeoutNow.class) return new TimeoutNow(from, to, term);
        if (type == TermProbe.class) return new TermProbe(from, to, term, random.nextLong());
        if (type == TermProbeResponse.class) return new TermProbeResponse(from, to, term, random.nextLong());
        if (type == ReadIndexRequest.class) return new ReadIndexRequest(from, to, term, random.nextLong());
        if (type == ReadIndexResponse.class) return new ReadIndexResponse(from, to, term, random.nextLong(), count(), random.nextBoolean());
        throw new IllegalArgumentException("no generator for " + type);
    }

    /** An AppendRequest of {@code count} entries of {@code size} bytes each. */
    static AppendRequest append(NodeId from, NodeId to, long prev, int count, int size) {
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[size];
            for (int j = 0; j < size; j++) data[j] = (byte) (i + j);
            entries.add(Entry.command(3, prev + 1 + i, Bytes.wrap(data)));
        }
        return new AppendRequest(from, to, 3, prev, 3, entries, prev);
    }

    NodeId nodeId() {
        int len = 1 + random.nextInt(random.nextInt(10) == 0 ? 64 : 6);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) sb.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
        return NodeId.of(sb.toString());
    }

    /** A non-negative number, small most of the time and sometimes near the top of the range. */
    private long count() {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000);
            case 2 -> random.nextLong() & Long.MAX_VALUE;
            default -> Long.MAX_VALUE - random.nextInt(3);
        };
    }

    private List<Entry> entries(long prev, int n) {
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            EntryType type = EntryType.values()[random.nextInt(EntryType.values().length)];
            entries.add(new Entry(1 + random.nextInt(1_000_000), prev + 1 + i, type, payload(random.nextInt(200))));
        }
        return entries;
    }

    private SnapshotMeta meta() {
        if (random.nextInt(5) == 0) return new SnapshotMeta(0, 0, ClusterConfig.empty());
        TreeSet<NodeId> voters = new TreeSet<>();
        TreeSet<NodeId> outgoing = new TreeSet<>();
        TreeSet<NodeId> learners = new TreeSet<>();
        for (int i = random.nextInt(5); i > 0; i--) voters.add(nodeId());
        for (int i = random.nextInt(3); i > 0; i--) outgoing.add(nodeId());
        for (int i = random.nextInt(3); i > 0; i--) {
            NodeId id = nodeId();
            if (!voters.contains(id) && !outgoing.contains(id)) learners.add(id);
        }
        return new SnapshotMeta(1 + random.nextInt(1 << 20), 1 + random.nextInt(100), new ClusterConfig(voters, outgoing, learners));
    }

    private Bytes payload(int size) {
        byte[] data = new byte[size];
        random.nextBytes(data);
        return Bytes.wrap(data);
    }
}
