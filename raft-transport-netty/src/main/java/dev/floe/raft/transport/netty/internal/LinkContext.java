package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.NodeId;
import dev.floe.raft.transport.netty.Backoff;
import io.netty.bootstrap.Bootstrap;
import io.netty.handler.ssl.SslContext;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What every outbound peer link shares.
 *
 * @param bootstrap    a configured template (channel type and options, no group or handler), cloned per dial
 * @param clientSsl    the dialling TLS context, or empty for plain TCP
 * @param shuttingDown true once the transport is closing, to keep shutdown quiet in the logs
 * @param dialVersion  the protocol version links dial with
 * @param heartbeatCoalescingNanos how long a queued heartbeat may wait for others before a drain (0: drain at once)
 */
public record LinkContext(String clusterId, NodeId self, Bootstrap bootstrap, Optional<SslContext> clientSsl,
                          int maxFrameBytes, int maxQueuedMessages, long maxQueuedBytes, Backoff backoff,
                          Counters counters, BooleanSupplier shuttingDown, int dialVersion,
                          long heartbeatCoalescingNanos) {
}
