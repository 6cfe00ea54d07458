package dev.floe.raft.transport.netty;

import dev.floe.raft.Bytes;
import dev.floe.raft.StateMachine;
import dev.floe.raft.server.RaftServerOptions;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** Records every applied command by index; apply returns the index (8 bytes), query the count (the query "fail" throws). */
final class IndexedMachine implements StateMachine {
    /** The client tests' timings: requests and shutdown bounded by 2 s. */
    static final RaftServerOptions OPTIONS = SocketCluster.FAST.toBuilder()
            .requestTimeout(Duration.ofSeconds(2))
            .shutdownTimeout(Duration.ofSeconds(2))
            .build();

    final ConcurrentSkipListMap<Long, Bytes> applied = new ConcurrentSkipListMap<>();

    @Override
    public Bytes apply(long index, Bytes command) {
        applied.put(index, command);
        return index(index);
    }

    @Override
    public Bytes read(Bytes query) {
        if (query.toUtf8().equals("fail")) throw new IllegalArgumentException("query refused by the test machine");
        return Bytes.utf8(Integer.toString(applied.size()));
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(applied.size());
        for (Map.Entry<Long, Bytes> e : applied.entrySet()) {
            data.writeLong(e.getKey());
            data.writeInt(e.getValue().size());
            e.getValue().writeTo(data);
        }
        data.flush();
    }

    @Override
    public void restoreSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        applied.clear();
        for (int n = data.readInt(); n > 0; n--) {
            long index = data.readLong();
            applied.put(index, Bytes.wrap(data.readNBytes(data.readInt())));
        }
    }

    /** Three members on sockets, each serving clients on its client address, started. */
    static SocketCluster<IndexedMachine> cluster() {
        return new SocketCluster<>(3, OPTIONS, IndexedMachine::new).withClientEndpoints().startAll();
    }

    /** The 8-byte result of applying at {@code index}. */
    static Bytes index(long index) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(index).array());
    }

    /** The index an apply result names. */
    static long index(Bytes result) {
        return result.asReadOnlyByteBuffer().getLong();
    }
}
