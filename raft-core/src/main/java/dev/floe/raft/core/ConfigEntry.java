package dev.floe.raft.core;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.NodeId;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A membership configuration as it travels in a {@code CONFIG} log entry (thesis §4.1, paper §6):
 * the configuration and an opaque {@code context} that the layer above attaches (the server puts
 * the members' addresses there). Configurations take effect as soon as they are in a log,
 * committed or not; the one in force is the latest.
 *
 * @param index the log index of the entry (or of the snapshot that carried the configuration)
 */
public record ConfigEntry(long index, ClusterConfig config, Bytes context) {
    private static final int FORMAT = 1;

    /** Encodes {@code config} and {@code context} as a CONFIG entry's payload. */
    public static Bytes encode(ClusterConfig config, Bytes context) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + context.size());
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            writeSet(out, config.voters());
            writeSet(out, config.votersOutgoing());
            writeSet(out, config.learners());
            out.writeInt(context.size());
            context.writeTo(out);
            out.flush();
            return Bytes.wrap(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes a CONFIG entry's payload.
     *
     * @throws IllegalArgumentException when the payload is not a configuration
     */
    public static ConfigEntry decode(long index, Bytes data) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data.toByteArray()))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) throw new IllegalArgumentException("unknown configuration format " + format + " at index " + index);
            SortedSet<NodeId> voters = readSet(in);
            SortedSet<NodeId> outgoing = readSet(in);
            SortedSet<NodeId> learners = readSet(in);
            int contextSize = in.readInt();
            if (contextSize < 0 || contextSize > data.size()) throw new IllegalArgumentException("bad context size at index " + index);
            byte[] context = in.readNBytes(contextSize);
            return new ConfigEntry(index, new ClusterConfig(voters, outgoing, learners), Bytes.wrap(context));
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated configuration entry at index " + index, e);
        }
    }

    private static void writeSet(DataOutputStream out, SortedSet<NodeId> ids) throws IOException {
        out.writeShort(ids.size());
        for (NodeId id : ids) out.writeUTF(id.value());
    }

    private static SortedSet<NodeId> readSet(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        TreeSet<NodeId> ids = new TreeSet<>();
        for (int i = 0; i < n; i++) ids.add(NodeId.of(in.readUTF()));
        return ids;
    }
}
