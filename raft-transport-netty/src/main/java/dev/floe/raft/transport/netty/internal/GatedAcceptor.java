package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.transport.netty.RateLimitedLog;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Accepts a connection on a listening port bounded before trust (docs/security.md), the same way on
 * the raft port and the client port: beyond the untrusted-connection limits of its {@link ConnectionGate}
 * it is refused at once (one rate-limited WARN per source, unless the port is closing); an admitted one
 * is tracked in {@code accepted} until it closes, its gate ticket released then, and handed with its
 * ticket to {@code setUp}, which builds its pipeline.
 */
public final class GatedAcceptor extends ChannelInitializer<SocketChannel> {
    private final ConnectionGate gate;
    private final Set<Channel> accepted;
    private final RateLimitedLog refusals;
    private final String refusal;
    private final BooleanSupplier closing;
    private final Runnable countRefusal;
    private final BiConsumer<SocketChannel, ConnectionGate.Ticket> setUp;

    /**
     * @param refusal      how a refusal starts in the log, e.g. {@code "refused connection"}
     * @param closing      whether the port is closing (refusals are then not logged)
     * @param countRefusal counts a refusal
     */
    public GatedAcceptor(ConnectionGate gate, Set<Channel> accepted, RateLimitedLog refusals, String refusal,
                         BooleanSupplier closing, Runnable countRefusal, BiConsumer<SocketChannel, ConnectionGate.Ticket> setUp) {
        this.gate = gate;
        this.accepted = accepted;
        this.refusals = refusals;
        this.refusal = refusal;
        this.closing = closing;
        this.countRefusal = countRefusal;
        this.setUp = setUp;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        InetAddress source = ch.remoteAddress().getAddress();
        ConnectionGate.Ticket ticket = gate.admit(source);
        if (ticket == null) {
            if (!closing.getAsBoolean()) {
                refusals.warn(source.getHostAddress(), refusal + " from " + ch.remoteAddress() + " (before handshake): " + gate.refusal(source));
            }
            countRefusal.run();
            ch.close();
            return;
        }
        accepted.add(ch);
        ch.closeFuture().addListener(f -> {
            accepted.remove(ch);
            ticket.release();
        });
        setUp.accept(ch, ticket);
    }
}
