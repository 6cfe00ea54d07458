package dev.floe.raft.examples.kv;

import dev.floe.raft.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * What applying one {@link KvCommand} did, as returned by the state machine to the submitter.
 * Encoding: one tag byte, the log index as a varint, then the outcome's fields.
 */
public sealed interface KvResult {
    /** The log index the command was applied at. */
    long index();

    /** A PUT, or a PUT-if whose comparison held: the key now holds the new value. */
    record Written(long index) implements KvResult {
    }

    /** A PUT-if whose comparison failed: nothing changed; {@code current} is the key's value (empty when absent). */
    record CompareFailed(long index, Optional<Bytes> current) implements KvResult {
    }

    /** A DELETE: {@code existed} tells whether the key was there. */
    record Deleted(long index, boolean existed) implements KvResult {
    }

    /** A command the state machine could not decode (never produced by raft-kv itself); nothing changed. */
    record Rejected(long index, String reason) implements KvResult {
    }

    /** The bytes returned by {@link KvStateMachine#apply}. */
    default Bytes encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16);
        if (this instanceof Written) {
            out.write(1);
            KvCommand.writeVarint(out, index());
        } else if (this instanceof CompareFailed f) {
            out.write(2);
            KvCommand.writeVarint(out, index());
            out.write(f.current().isPresent() ? 1 : 0);
            f.current().ifPresent(v -> KvCommand.field(out, v));
        } else if (this instanceof Deleted d) {
            out.write(3);
            KvCommand.writeVarint(out, index());
            out.write(d.existed() ? 1 : 0);
        } else {
            out.write(4);
            KvCommand.writeVarint(out, index());
            KvCommand.field(out, Bytes.utf8(((Rejected) this).reason()));
        }
        return Bytes.wrap(out.toByteArray());
    }

    /** Decodes bytes written by {@link #encode}. */
    static KvResult decode(Bytes bytes) {
        ByteBuffer in = bytes.asReadOnlyByteBuffer();
        byte tag = in.get();
        long index = KvCommand.readVarint(in);
        return switch (tag) {
            case 1 -> new Written(index);
            case 2 -> new CompareFailed(index, in.get() == 1
                    ? Optional.of(KvCommand.field(in, KvLimits.MAX_VALUE_BYTES)) : Optional.empty());
            case 3 -> new Deleted(index, in.get() == 1);
            case 4 -> new Rejected(index, KvCommand.field(in, Integer.MAX_VALUE).toUtf8());
            default -> throw new IllegalArgumentException("unknown result tag " + tag);
        };
    }
}
