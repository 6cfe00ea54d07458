package dev.floe.raft.examples.kv;

import dev.floe.raft.transport.netty.RateLimitedLog;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * At most {@link KvHttpLimits#maxConnections()} open connections on the HTTP port, and
 * {@link KvHttpLimits#maxConnectionsPerSource()} from one address: a connection beyond either is
 * closed at accept, before TLS or any parsing, with one log line per source per 10 s (and a count).
 * So idle connections cannot use up the node's file descriptors. Thread-safe.
 */
final class HttpConnectionLimiter {
    private final KvHttpLimits limits;
    private final String node;
    private final RateLimitedLog refusals = new RateLimitedLog(LoggerFactory.getLogger(HttpConnectionLimiter.class), Duration.ofSeconds(10));
    private final Map<InetAddress, Integer> bySource = new HashMap<>();
    private int open;

    HttpConnectionLimiter(String node, KvHttpLimits limits) {
        this.node = node;
        this.limits = limits;
    }

    /** Whether {@code ch} may stay open; if so, its place is given back when it closes. */
    boolean admit(SocketChannel ch) {
        InetAddress source = ch.remoteAddress().getAddress();
        String refused = null;
        synchronized (this) {
            int fromSource = bySource.getOrDefault(source, 0);
            if (open >= limits.maxConnections()) {
                refused = "the port has its maximum of " + limits.maxConnections() + " connections";
            } else if (fromSource >= limits.maxConnectionsPerSource()) {
                refused = "this address has its maximum of " + limits.maxConnectionsPerSource() + " connections";
            } else {
                open++;
                bySource.put(source, fromSource + 1);
            }
        }
        if (refused != null) {
            refusals.warn(source.getHostAddress(), node + ": refused HTTP connection from " + ch.remoteAddress() + ": " + refused);
            return false;
        }
        ch.closeFuture().addListener(f -> release(source));
        return true;
    }

    private synchronized void release(InetAddress source) {
        open--;
        bySource.computeIfPresent(source, (k, n) -> n > 1 ? n - 1 : null);
    }
}
