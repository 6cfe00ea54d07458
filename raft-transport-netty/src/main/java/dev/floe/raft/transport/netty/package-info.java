/**
 * The default {@link dev.floe.raft.Transport}: {@link dev.floe.raft.transport.netty.NettyTransport},
 * Netty TCP (native epoll when available) carrying length-prefixed protobuf frames, with optional
 * TLS. Configure it with {@link dev.floe.raft.transport.netty.NettyTransportOptions}.
 */
package dev.floe.raft.transport.netty;
