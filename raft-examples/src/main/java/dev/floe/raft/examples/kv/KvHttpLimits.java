package dev.floe.raft.examples.kv;

import java.time.Duration;

/**
 * What one client connection to raft-kv's HTTP port may hold (docs/security.md): the port accepts
 * at most {@code maxConnections} connections, {@code maxConnectionsPerSource} from one IP address
 * (more are closed at accept); a request's line and headers must arrive within
 * {@code headerTimeout} of its first byte (of the accept, for the first request), its body within
 * {@code bodyTimeout} of its headers, and a connection with no request in progress is closed after
 * {@code idleTimeout}.
 */
public record KvHttpLimits(int maxConnections, int maxConnectionsPerSource, Duration headerTimeout,
                           Duration bodyTimeout, Duration idleTimeout) {
    public static final KvHttpLimits DEFAULT = new KvHttpLimits(1024, 256, Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60));

    public KvHttpLimits {
        if (maxConnections < 1 || maxConnectionsPerSource < 1 || maxConnectionsPerSource > maxConnections) {
            throw new IllegalArgumentException("need 1 <= maxConnectionsPerSource (" + maxConnectionsPerSource
                    + ") <= maxConnections (" + maxConnections + ")");
        }
        for (Duration d : new Duration[] {headerTimeout, bodyTimeout, idleTimeout}) {
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("HTTP timeouts must be positive: " + d);
        }
    }
}
