/**
 * Implementation of the Netty transport: the protobuf mapping, framing, handshake and per-peer
 * links. Not an API; may change in any release.
 */
package dev.floe.raft.transport.netty.internal;
