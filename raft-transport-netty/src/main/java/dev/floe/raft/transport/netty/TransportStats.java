package dev.floe.raft.transport.netty;

/**
 * A snapshot of a {@link NettyTransport}'s counters since it was created. Counters only grow.
 *
 * @param messagesSent        messages encoded and written to a peer connection
 * @param messagesReceived    messages decoded and handed to the inbound handler
 * @param messagesDropped     outbound messages given up: queue full, peer unreachable or unknown,
 *                            frame too large, connection lost with the message queued, or transport closed
 * @param reconnects          dial attempts after a previous connection or attempt to the same peer ended
 * @param decodeErrors        inbound connections closed because a frame could not be decoded
 * @param connectionsRejected inbound connections refused: at accept (too many without a handshake), at the handshake
 *                            (TLS, version, cluster id, node id, a certificate not naming the claimed node, timeout),
 *                            or when a frame did not fit the inbound buffer budget
 * @param bytesSent           frame bytes written, length prefixes included
 * @param bytesReceived       frame bytes received, length prefixes included
 * @param framesSent          frames written after the handshake (a heartbeat batch is one frame carrying many
 *                            messages; a host ping is a frame carrying none)
 * @param framesReceived      frames decoded after the handshake, counted the same way
 * @param unknownGroupDropped inbound messages dropped because this host runs no such group (or the group stopped
 *                            talking to the sender); logged at most once per interval
 */
public record TransportStats(long messagesSent, long messagesReceived, long messagesDropped, long reconnects,
                             long decodeErrors, long connectionsRejected, long bytesSent, long bytesReceived,
                             long framesSent, long framesReceived, long unknownGroupDropped) {
}
