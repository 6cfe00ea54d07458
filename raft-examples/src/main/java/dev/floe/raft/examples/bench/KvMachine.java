package dev.floe.raft.examples.bench;

import dev.floe.raft.Bytes;
import dev.floe.raft.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The workload's state machine ({@code peerbench.common.KvStore}): PUT (opcode 1, 16-byte key,
 * value) stores the value and answers the log index as 8 bytes; the query GET (opcode 2, 16-byte
 * key) answers the value, or nothing for an unknown key. Runs on the server's one applier thread;
 * the counters are for the benchmark thread to read.
 */
final class KvMachine implements StateMachine {
    static final byte OP_PUT = 1;
    static final byte OP_GET = 2;
    static final int KEY_SIZE = 16;

    private final Map<String, byte[]> map = new HashMap<>();
    private volatile long snapshotBytesWritten;
    private volatile long restores;

    /** The workload's one command: opcode 1, a 16-byte key, the value. */
    static byte[] encodePut(byte[] key, byte[] value) {
        byte[] cmd = new byte[1 + KEY_SIZE + value.length];
        cmd[0] = OP_PUT;
        System.arraycopy(key, 0, cmd, 1, KEY_SIZE);
        System.arraycopy(value, 0, cmd, 1 + KEY_SIZE, value.length);
        return cmd;
    }

    /** The read: opcode 2 and a 16-byte key. */
    static byte[] encodeGet(byte[] key) {
        byte[] q = new byte[1 + KEY_SIZE];
        q[0] = OP_GET;
        System.arraycopy(key, 0, q, 1, KEY_SIZE);
        return q;
    }

    @Override
    public Bytes apply(long index, Bytes command) {
        ByteBuffer b = command.asReadOnlyByteBuffer();
        if (b.remaining() < 1 + KEY_SIZE) throw new IllegalArgumentException("short command: " + b.remaining() + " bytes");
        byte op = b.get();
        if (op != OP_PUT) throw new IllegalArgumentException("unknown opcode " + op);
        String key = key(b);
        byte[] value = new byte[b.remaining()];
        b.get(value);
        map.put(key, value);
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(0, index).array());
    }

    @Override
    public Bytes read(Bytes query) {
        ByteBuffer b = query.asReadOnlyByteBuffer();
        if (b.remaining() != 1 + KEY_SIZE || b.get() != OP_GET) throw new IllegalArgumentException("not a GET");
        byte[] value = map.get(key(b));
        return value == null ? Bytes.EMPTY : Bytes.wrap(value);
    }

    private static String key(ByteBuffer b) {
        byte[] key = new byte[KEY_SIZE];
        b.get(key);
        return new String(key, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        long[] count = {0};
        DataOutputStream data = new DataOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                count[0] += len;
            }
        });
        data.writeInt(map.size());
        for (Map.Entry<String, byte[]> e : map.entrySet()) {
            data.writeUTF(e.getKey());
            data.writeInt(e.getValue().length);
            data.write(e.getValue());
        }
        data.flush();
        snapshotBytesWritten = count[0];
    }

    @Override
    public void restoreSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        map.clear();
        for (int n = data.readInt(); n > 0; n--) map.put(data.readUTF(), data.readNBytes(data.readInt()));
        restores++;
    }

    /** The size of the last snapshot this machine wrote, in bytes. */
    long snapshotBytesWritten() {
        return snapshotBytesWritten;
    }

    /** How many snapshots this machine restored. */
    long restores() {
        return restores;
    }
}
