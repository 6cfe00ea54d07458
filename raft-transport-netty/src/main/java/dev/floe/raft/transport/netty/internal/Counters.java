package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.transport.netty.TransportStats;
import java.util.concurrent.atomic.LongAdder;

/** The transport's counters, updated from any thread. */
public final class Counters {
    public final LongAdder sent = new LongAdder();
    public final LongAdder received = new LongAdder();
    public final LongAdder dropped = new LongAdder();
    public final LongAdder reconnects = new LongAdder();
    public final LongAdder decodeErrors = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder bytesSent = new LongAdder();
    public final LongAdder bytesReceived = new LongAdder();
    public final LongAdder framesSent = new LongAdder();
    public final LongAdder framesReceived = new LongAdder();
    public final LongAdder unknownGroup = new LongAdder();

    public TransportStats snapshot() {
        return new TransportStats(sent.sum(), received.sum(), dropped.sum(), reconnects.sum(), decodeErrors.sum(),
                rejected.sum(), bytesSent.sum(), bytesReceived.sum(),
                framesSent.sum(), framesReceived.sum(), unknownGroup.sum());
    }
}
