package dev.floe.raft.examples.kv;

import dev.floe.raft.Bytes;
import dev.floe.raft.StateMachine;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicated key-value map of raft-kv. {@link #apply} takes {@link KvCommand}s and returns
 * {@link KvResult}s; {@link #read} takes a key's bytes and returns {@link #encodeLookup a lookup}.
 *
 * <p>Threads: Floe calls {@code apply}, {@code read} and the snapshot methods from its applier
 * thread only. {@link #localGet} may be called from any thread: it reads the map as applied so far
 * on this member (a stale read), which the map's concurrent implementation makes safe.
 *
 * <p>Snapshot format: the number of entries, then each key and value length-prefixed.
 */
public final class KvStateMachine implements StateMachine {
    private volatile Map<Bytes, Bytes> map = new ConcurrentHashMap<>();

    @Override
    public Bytes apply(long index, Bytes payload) {
        KvCommand command;
        try {
            command = KvCommand.decode(payload);
        } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
            // Deterministic on every member, so refusing it keeps the replicas identical.
            return new KvResult.Rejected(index, "undecodable command: " + e.getMessage()).encode();
        }
        KvResult result;
        if (command instanceof KvCommand.Put p) {
            map.put(p.key(), p.value());
            result = new KvResult.Written(index);
        } else if (command instanceof KvCommand.PutIf p) {
            Bytes current = map.get(p.key());
            if (p.prev().equals(current)) {
                map.put(p.key(), p.value());
                result = new KvResult.Written(index);
            } else {
                result = new KvResult.CompareFailed(index, Optional.ofNullable(current));
            }
        } else {
            result = new KvResult.Deleted(index, map.remove(command.key()) != null);
        }
        return result.encode();
    }

    @Override
    public Bytes read(Bytes key) {
        return encodeLookup(Optional.ofNullable(map.get(key)));
    }

    /** The value of {@code key} as applied on this member so far; any thread. */
    public Optional<Bytes> localGet(Bytes key) {
        return Optional.ofNullable(map.get(key));
    }

    /** The number of keys applied on this member so far; any thread. */
    public int size() {
        return map.size();
    }

    /** A query's answer: {@code 0} when absent, else {@code 1} followed by the value. */
    public static Bytes encodeLookup(Optional<Bytes> value) {
        if (value.isEmpty()) return Bytes.wrap(new byte[] {0});
        byte[] out = new byte[value.get().size() + 1];
        out[0] = 1;
        value.get().copyTo(out, 1);
        return Bytes.wrap(out);
    }

    /** Decodes {@link #encodeLookup}. */
    public static Optional<Bytes> decodeLookup(Bytes answer) {
        if (answer.get(0) == 0) return Optional.empty();
        byte[] all = answer.toByteArray();
        return Optional.of(Bytes.wrap(all, 1, all.length - 1));
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        Map<Bytes, Bytes> current = map;
        data.writeInt(current.size());
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        for (Map.Entry<Bytes, Bytes> e : current.entrySet()) {
            entry.reset();
            KvCommand.field(entry, e.getKey());
            KvCommand.field(entry, e.getValue());
            entry.writeTo(data);
        }
        data.flush();
    }

    @Override
    public void restoreSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int count = data.readInt();
        Map<Bytes, Bytes> restored = new ConcurrentHashMap<>(Math.max(16, count * 2));
        for (int i = 0; i < count; i++) restored.put(readField(data), readField(data));
        map = restored; // one swap: a stale reader sees the old map or the new one, never a mix
    }

    private static Bytes readField(DataInputStream in) throws IOException {
        long length = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 35) throw new IOException("corrupt snapshot: field length too long");
            int b = in.readUnsignedByte();
            length |= (long) (b & 0x7F) << shift;
            if (b < 0x80) break;
        }
        if (length > KvLimits.MAX_VALUE_BYTES) throw new IOException("corrupt snapshot: field of " + length + " bytes");
        byte[] bytes = new byte[(int) length];
        in.readFully(bytes);
        return Bytes.wrap(bytes);
    }
}
