package dev.floe.raft;

import dev.floe.raft.message.Message;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Carries {@link Message}s between the members of a Raft group ({@code raft-transport-netty}
 * ships the default over TCP; tests use an in-memory one).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Best effort.</b> Raft tolerates lost, delayed, duplicated and reordered messages, so a
 *       transport may drop a message (a peer is down, a queue is full) instead of blocking or
 *       buffering without bound. It should count what it drops.</li>
 *   <li><b>Never blocks the caller.</b> {@link #send} is called from the consensus thread and must
 *       return at once; encoding and I/O happen elsewhere.</li>
 *   <li><b>Inbound delivery.</b> Received messages are handed to the handler given to
 *       {@link #start}, from transport threads; the handler is cheap and thread-safe (the server
 *       queues the message for its consensus thread). Messages for another node id are dropped.</li>
 * </ul>
 */
public interface Transport extends AutoCloseable {

    /**
     * Starts listening and delivering messages addressed to {@code self} to {@code inbound}.
     *
     * @param self    this member's id
     * @param inbound receives every message addressed to {@code self}, on the transport's threads
     * @throws IOException if the transport cannot start (its port is taken, its TLS files cannot be
     *                     read); {@link java.io.InterruptedIOException}, with the thread's interrupt
     *                     flag set again, if it was interrupted while starting. Misuse (started
     *                     twice, after close) is an unchecked {@link IllegalStateException}.
     */
    void start(NodeId self, Consumer<Message> inbound) throws IOException;

    /**
     * Queues {@code message} for {@code message.to()}; never blocks, may drop.
     *
     * @param message the message; {@code message.to()} must be a known peer
     */
    void send(Message message);

    /**
     * Tells the transport where {@code peer} is reachable (a new member, or one that moved).
     *
     * @param peer     the member
     * @param endpoint its raft address
     */
    void addPeer(NodeId peer, Endpoint endpoint);

    /**
     * Forgets {@code peer} and closes its connection.
     *
     * @param peer the member
     */
    void removePeer(NodeId peer);

    /** Stops sending and receiving, and releases threads and sockets. */
    @Override
    void close();
}
