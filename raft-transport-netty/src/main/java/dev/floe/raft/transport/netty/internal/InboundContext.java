package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.NodeId;
import dev.floe.raft.transport.netty.RateLimitedLog;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * What every accepted connection shares: the identity it checks handshakes against, where decoded
 * messages go, the counters, and the rate-limited log of refusals.
 *
 * @param knownPeer    whether a dialer's node id is a current peer
 * @param router       where decoded messages go, by group, called from event-loop threads
 * @param refusals     one WARN line per remote address per interval for refused and failed connections
 * @param shuttingDown true once the transport is closing, to keep shutdown quiet in the logs
 */
public record InboundContext(String clusterId, NodeId self, Predicate<NodeId> knownPeer, InboundRouter router,
                             Counters counters, Duration handshakeTimeout, RateLimitedLog refusals,
                             BooleanSupplier shuttingDown) {
}
