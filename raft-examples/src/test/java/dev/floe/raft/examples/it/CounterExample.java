package dev.floe.raft.examples.it;

import dev.floe.raft.*;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.storage.*;
import dev.floe.raft.transport.netty.*;
import java.io.*;
import java.nio.file.Path;
import java.util.Map;

/** The README's example: a replicated counter on files and sockets, one call per member. */
public final class CounterExample {
    static final class Counter implements StateMachine {
        private long value;

        public Bytes apply(long index, Bytes command) {
            value += Long.parseLong(command.toUtf8());
            return Bytes.utf8(Long.toString(value));
        }

        public Bytes query(Bytes query) { return Bytes.utf8(Long.toString(value)); }
        public void writeSnapshot(OutputStream out) throws IOException { new DataOutputStream(out).writeLong(value); }
        public void restoreSnapshot(InputStream in) throws IOException { value = new DataInputStream(in).readLong(); }
    }

    /** Starts member {@code id} of the cluster whose members listen on {@code addresses}. */
    public static RaftServer start(NodeId id, Path dir, Map<NodeId, Endpoint> addresses) throws IOException {
        FileStorage storage = FileStorage.open(dir, StorageOptions.defaults());
        NettyTransportConfig.Builder net = NettyTransportConfig.builder("counter", id, addresses.get(id));
        addresses.forEach((peer, at) -> { if (!peer.equals(id)) net.peer(peer, at); });
        RaftServer server = RaftServer.builder().id(id).members(addresses).stateMachine(new Counter())
                .storage(storage.logStorage(), storage.hardStateStore()).closeWith(storage)
                .transport(new NettyTransport(net.build())).build();
        server.start();
        return server;
    }
}
