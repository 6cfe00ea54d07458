package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The binary form of a {@link MembershipBook} in a CONFIG entry's {@code context}: a format byte,
 * a member count, then per member its id, a flag and the raft endpoint when known, and the client
 * endpoint (strings in modified UTF-8, ports as unsigned shorts). An empty context decodes to an
 * empty book (a configuration restored from a snapshot, or bootstrap members).
 */
final class MembershipCodec {
    private static final int FORMAT = 1;

    private MembershipCodec() {
    }

    static Bytes encode(MembershipBook book) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 * (1 + book.addresses().size()));
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeShort(book.addresses().size());
            for (Map.Entry<NodeId, MembershipBook.Address> e : book.addresses().entrySet()) {
                out.writeUTF(e.getKey().value());
                Optional<Endpoint> raft = e.getValue().raft();
                out.writeBoolean(raft.isPresent());
                if (raft.isPresent()) writeEndpoint(out, raft.get());
                writeEndpoint(out, e.getValue().client());
            }
            out.flush();
            return Bytes.wrap(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException when {@code context} is not an address book */
    static MembershipBook decode(Bytes context) {
        if (context.size() == 0) return MembershipBook.EMPTY;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(context.toByteArray()))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) throw new IllegalArgumentException("unknown address book format " + format);
            int n = in.readUnsignedShort();
            Map<NodeId, MembershipBook.Address> m = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                NodeId id = NodeId.of(in.readUTF());
                Optional<Endpoint> raft = in.readBoolean() ? Optional.of(readEndpoint(in)) : Optional.empty();
                m.put(id, new MembershipBook.Address(raft, readEndpoint(in)));
            }
            if (in.available() > 0) throw new IllegalArgumentException(in.available() + " trailing bytes after the address book");
            return new MembershipBook(m);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated address book", e);
        }
    }

    private static void writeEndpoint(DataOutputStream out, Endpoint e) throws IOException {
        out.writeUTF(e.host());
        out.writeShort(e.port());
    }

    private static Endpoint readEndpoint(DataInputStream in) throws IOException {
        return new Endpoint(in.readUTF(), in.readUnsignedShort());
    }
}
