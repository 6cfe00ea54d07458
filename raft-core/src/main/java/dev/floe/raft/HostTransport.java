package dev.floe.raft;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * One transport shared by every Raft group of a process (multi-Raft): one listener and one
 * connection per pair of processes, carrying frames for many groups. A process's groups all use its
 * node id, so a host is a member of a group at most once, and a group's members are hosts.
 * {@code raft-transport-netty}'s {@code NettyHostTransport} is the default; the runtime's
 * {@code RaftHost} uses it.
 *
 * <p>{@link #group} hands out one {@link Transport} per group, with the {@link Transport} contract
 * for that group alone: its {@code send} never blocks, its inbound handler receives only that
 * group's messages, its {@code addPeer} tells the host where a peer host is, its
 * {@code removePeer} stops that group's traffic with the peer (other groups keep the connection),
 * and its {@code close} detaches the group (the host's connections stay). Messages for a group this
 * host does not run are dropped and counted.
 */
public interface HostTransport extends AutoCloseable {

    /**
     * Starts listening. {@code heard} is told, on transport threads, each time something arrives
     * from a peer host (it must be cheap and thread-safe): the host's failure detector.
     *
     * @param self  this host's node id
     * @param heard receives the node id of a peer host that was just heard from
     * @throws IOException if the transport cannot start (its port is taken, its TLS files cannot be
     *                     read); {@link java.io.InterruptedIOException}, with the thread's interrupt
     *                     flag set again, if it was interrupted while starting
     */
    void start(NodeId self, Consumer<NodeId> heard) throws IOException;

    /**
     * The transport of one group on this host; started by the group's server with this host's id.
     *
     * @param group the group
     * @return a transport carrying only that group's messages
     * @throws IllegalStateException if the group already has a transport that is not closed
     */
    Transport group(GroupId group);

    /**
     * Tells the transport where peer host {@code peer} is reachable.
     *
     * @param peer     the peer host
     * @param endpoint its raft address
     */
    void addPeer(NodeId peer, Endpoint endpoint);

    /**
     * Sends {@code peer} a small liveness frame, so that it hears from this host even while no group
     * has anything to say. Never blocks; may drop.
     *
     * @param peer a peer host
     */
    void ping(NodeId peer);

    /** Stops every group's traffic, and releases threads and sockets. */
    @Override
    void close();
}
