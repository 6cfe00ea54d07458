package dev.floe.raft.metrics.micrometer;

import dev.floe.raft.transport.netty.NettyTransport;
import dev.floe.raft.transport.netty.TransportStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.ToLongFunction;

/** The Netty transport's counters as meters, read from {@link NettyTransport#stats()} when scraped. */
final class TransportMeters {
    private TransportMeters() {
    }

    static void bind(MeterRegistry registry, Tags tags, NettyTransport transport) {
        counter(registry, tags, transport, "floe.transport.messages.sent", "messages written to peers", TransportStats::messagesSent);
        counter(registry, tags, transport, "floe.transport.messages.received", "messages read from peers", TransportStats::messagesReceived);
        counter(registry, tags, transport, "floe.transport.messages.dropped",
                "outbound messages given up (queue full, peer unreachable, frame too large, closed)", TransportStats::messagesDropped);
        counter(registry, tags, transport, "floe.transport.bytes.sent", "frame bytes written", TransportStats::bytesSent);
        counter(registry, tags, transport, "floe.transport.bytes.received", "frame bytes read", TransportStats::bytesReceived);
        FunctionCounter.builder("floe.transport.reconnects", transport, t -> t.stats().reconnects())
                .description("dial attempts after a connection to the same peer ended").tags(tags).register(registry);
        FunctionCounter.builder("floe.transport.decode.errors", transport, t -> t.stats().decodeErrors())
                .description("inbound connections closed on an undecodable frame").tags(tags).register(registry);
        FunctionCounter.builder("floe.transport.connections.rejected", transport, t -> t.stats().connectionsRejected())
                .description("inbound connections refused at the handshake").tags(tags).register(registry);
    }

    private static void counter(MeterRegistry registry, Tags tags, NettyTransport transport, String name,
                                String description, ToLongFunction<TransportStats> value) {
        FunctionCounter.builder(name, transport, t -> value.applyAsLong(t.stats())).description(description)
                .tags(tags).register(registry);
    }
}
