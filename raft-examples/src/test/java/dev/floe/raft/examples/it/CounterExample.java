package dev.floe.raft.examples.it;

import dev.floe.raft.*;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.storage.*;
import dev.floe.raft.transport.netty.*;
import java.io.*;
import java.nio.file.Path;
import java.util.List;

/** The README's example: a replicated counter on files and sockets, one call per member. */
public final class CounterExample {
    static final class Counter implements StateMachine {
        private long value;

        public Bytes apply(long index, Bytes command) {
            value += Long.parseLong(command.toUtf8());
            return Bytes.utf8(Long.toString(value));
        }

        public Bytes read(Bytes query) { return Bytes.utf8(Long.toString(value)); }
        public void writeSnapshot(OutputStream out) throws IOException { new DataOutputStream(out).writeLong(value); }
        public void restoreSnapshot(InputStream in) throws IOException { value = new DataInputStream(in).readLong(); }
    }

    /**
     * Starts member {@code id} of a cluster described once, member by member: each {@link Member} names
     * the address the members use among themselves ({@code raft}) and the one it serves clients on
     * ({@code client}, where a {@link NotLeaderException} sends callers). The server tells the
     * transport where its peers are.
     */
    public static RaftServer start(NodeId id, Path dir, List<Member> members) throws IOException {
        Member self = members.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
        FileStorage storage = FileStorage.open(dir, StorageOptions.defaults());
        RaftServer server = RaftServer.builder().id(id).members(members).stateMachine(new Counter())
                .storage(storage.logStorage(), storage.hardStateStore()).closeWith(storage)
                .transport(new NettyTransport(NettyTransportOptions.builder("counter", id, self.raft()).build()))
                .build();
        server.start();
        return server;
    }
}
