package dev.floe.raft.transport.netty;

import dev.floe.raft.BackpressureException;
import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.GroupId;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.OutcomeUnknownException;
import dev.floe.raft.ReadConsistency;
import dev.floe.raft.transport.netty.internal.IoSetup;
import dev.floe.raft.transport.netty.internal.SslContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network client of a Floe cluster, for a service in another process: sends commands and queries
 * to the members' {@link RaftClientEndpoint}s over the client protocol (docs/client-protocol.md).
 *
 * <pre>{@code
 * try (RaftClient client = RaftClient.builder("my-cluster")
 *         .members(List.of(Endpoint.parse("10.0.0.1:8080"), Endpoint.parse("10.0.0.2:8080"), Endpoint.parse("10.0.0.3:8080")))
 *         .build()) {
 *     Bytes result = client.submit(Bytes.utf8("add 1")).get();
 * }
 * }</pre>
 *
 * <h2>Behaviour</h2>
 * The client connects to a member, follows {@code NotLeader} redirects to the leader, and pipelines
 * every request on one connection to it, many outstanding at once. A request not answered within
 * {@link Builder#requestTimeout}, one on a connection that breaks, and one refused because no
 * leader is known or the member is overloaded is retried (with a short backoff where the cluster
 * needs time) up to {@link Builder#retryBudget} times, always with the <b>same client id and
 * sequence number</b>, so that a server which deduplicates by (client id, sequence) applies it
 * once. Today's servers do not deduplicate yet: a command whose first attempt reached the log and
 * timed out may be applied twice.
 *
 * <h2>Outcomes</h2>
 * The futures complete with the state machine's result, or with:
 * <ul>
 *   <li>{@link BackpressureException} at once, when {@link Builder#maxOutstanding} requests are
 *       already outstanding (the client never blocks), or when the members stayed overloaded for
 *       the whole retry budget — not applied;</li>
 *   <li>{@link NotLeaderException} when no leader was found within the retry budget — not applied;</li>
 *   <li>{@link OutcomeUnknownException} (commands) or {@link TimeoutException} (queries) when some
 *       attempt may have reached a leader's log and the budget is spent — maybe applied;</li>
 *   <li>{@link RaftClientException} for an error answer (for example a failing query), a refused
 *       handshake, no reachable member, or a closed client.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * One event-loop thread per client, {@code floe-client-<n>}, does all I/O and completes the
 * futures: dependent stages that are not {@code *Async} run on it, so keep them short and never
 * block on this client inside one. {@link #submit} and {@link #read} are thread-safe and never
 * block; {@link #close} waits for the thread to stop. No Netty or protobuf type is exposed.
 */
public final class RaftClient implements AutoCloseable {
    private static final AtomicLong INSTANCES = new AtomicLong();

    /** The settings the dispatcher reads. */
    record Settings(String clusterId, GroupId group, String clientId, List<Endpoint> members, Duration requestTimeout,
                    int maxOutstanding, int retryBudget, int maxFrameBytes) {
    }

    private final Settings settings;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final ClientDispatcher dispatcher;
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile boolean closed;

    private RaftClient(Settings settings, Duration connectTimeout, boolean preferNative, Optional<SslContext> ssl) {
        this.settings = settings;
        IoSetup io = IoSetup.choose(preferNative);
        group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("floe-client-" + INSTANCES.incrementAndGet(), true), io.handlerFactory());
        loop = group.next();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(io.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024));
        dispatcher = new ClientDispatcher(settings, loop, bootstrap, ssl, outstanding);
    }

    /**
     * A builder for a client of the cluster {@code clusterId} (the members' endpoints must agree).
     *
     * @param clusterId the cluster's id
     * @return a new builder
     */
    public static Builder builder(String clusterId) {
        return new Builder(clusterId);
    }

    /**
     * This client's id: with a sequence number, it identifies each command across retries.
     *
     * @return the id
     */
    public String clientId() {
        return settings.clientId();
    }

    /**
     * Submits {@code command}; the future completes with the state machine's result once the
     * command is committed and applied on the leader. Never blocks; see the class comment for failures.
     *
     * @param command the command for the state machine
     * @return a future of the state machine's result
     */
    public CompletableFuture<Bytes> submit(Bytes command) {
        Objects.requireNonNull(command, "command");
        return start(ClientCall.Kind.SUBMIT, command, ReadConsistency.LINEARIZABLE);
    }

    /**
     * Sends a linearizable read-only {@code query} to the state machine (the server's
     * {@code RaftServer.read}); never blocks.
     *
     * @param query the query for the state machine
     * @return a future of the answer; fails as described in the class comment
     */
    public CompletableFuture<Bytes> read(Bytes query) {
        return read(query, ReadConsistency.LINEARIZABLE);
    }

    /**
     * Sends a read-only {@code query} that must reflect what {@code consistency} says (the
     * server's {@code RaftServer.read(query, consistency)}): {@code LINEARIZABLE} as {@link #read(Bytes)};
     * {@code LEASE} the same, answered by a leader from its lease when the members run with lease
     * reads on (thesis §6.4.1; a clock-drift assumption, docs/snapshots-reads-sessions.md);
     * {@code STALE} whatever the member that answers has applied. Never blocks.
     *
     * @param query       the query for the state machine
     * @param consistency what the answer must reflect
     * @return a future of the answer; fails as described in the class comment
     */
    public CompletableFuture<Bytes> read(Bytes query, ReadConsistency consistency) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(consistency, "consistency");
        return start(ClientCall.Kind.QUERY, query, consistency);
    }

    private CompletableFuture<Bytes> start(ClientCall.Kind kind, Bytes payload, ReadConsistency consistency) {
        if (closed) return CompletableFuture.failedFuture(new RaftClientException("client is closed"));
        if (outstanding.incrementAndGet() > settings.maxOutstanding()) {
            outstanding.decrementAndGet();
            return CompletableFuture.failedFuture(new BackpressureException(
                    "client " + settings.clientId() + " already has " + settings.maxOutstanding() + " requests outstanding"));
        }
        ClientCall call = new ClientCall(kind, payload, consistency);
        dispatcher.enqueue(call);
        return call.future;
    }

    /**
     * Requests submitted and not completed yet.
     *
     * @return the count
     */
    public int outstanding() {
        return outstanding.get();
    }

    /**
     * Fails every outstanding request (commands already sent with {@link OutcomeUnknownException},
     * the rest with {@link RaftClientException}), closes the connections and stops the client's
     * thread, waiting a few seconds at most. Must not be called from a callback of this client.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        if (loop.inEventLoop()) throw new IllegalStateException("close() called from the client's own thread");
        loop.submit(dispatcher::close).awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Settings of a {@link RaftClient}; every value but the members has a default. Not thread-safe. */
    public static final class Builder {
        private final String clusterId;
        private final List<Endpoint> members = new ArrayList<>();
        private String clientId = UUID.randomUUID().toString();
        private Duration requestTimeout = Duration.ofSeconds(6);
        private Duration connectTimeout = Duration.ofSeconds(3);
        private int maxOutstanding = 1024;
        private int retryBudget = 10;
        private int maxFrameBytes = NettyTransportOptions.DEFAULT_MAX_FRAME_BYTES;
        private boolean preferNative = true;
        private Optional<TlsConfig> tls = Optional.empty();
        private GroupId group = GroupId.DEFAULT;

        private Builder(String clusterId) {
            this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
            if (clusterId.isBlank()) throw new IllegalArgumentException("clusterId must not be blank");
        }

        /**
         * The members' client endpoints (any subset works: redirects name the leader); required.
         *
         * @param endpoints client addresses of some or all members
         * @return this builder
         */
        public Builder members(List<Endpoint> endpoints) {
            endpoints.forEach(e -> members.add(Objects.requireNonNull(e, "endpoint")));
            return this;
        }

        /**
         * The session id sent with every command (default: a random UUID); 1..128 characters.
         *
         * @param id the session id
         * @return this builder
         */
        public Builder clientId(String id) {
            Objects.requireNonNull(id, "clientId");
            if (id.isEmpty() || id.length() > 128) throw new IllegalArgumentException("clientId must have 1..128 characters");
            clientId = id;
            return this;
        }

        /**
         * How long one attempt waits for its answer before it is retried (default 6 s: a little
         * more than the server's default request timeout, so the server's own answer usually comes first).
         *
         * @param timeout per attempt
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("requestTimeout must be positive");
            requestTimeout = timeout;
            return this;
        }

        /**
         * How long a connection attempt may take (default 3 s).
         *
         * @param timeout per connection attempt
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("connectTimeout must be positive");
            connectTimeout = timeout;
            return this;
        }

        /**
         * Requests outstanding at once; beyond it submit and read fail at once with backpressure (default 1024).
         *
         * @param requests the limit
         * @return this builder
         */
        public Builder maxOutstanding(int requests) {
            if (requests < 1) throw new IllegalArgumentException("maxOutstanding must be positive: " + requests);
            maxOutstanding = requests;
            return this;
        }

        /**
         * Retries per request after its first attempt (default 10: 3 to 5.6 s of jittered backoff without a leader).
         *
         * @param retries the limit
         * @return this builder
         */
        public Builder retryBudget(int retries) {
            if (retries < 0) throw new IllegalArgumentException("retryBudget must not be negative: " + retries);
            retryBudget = retries;
            return this;
        }

        /**
         * The largest frame sent or accepted, length prefix excluded (default 16 MiB).
         *
         * @param bytes the limit
         * @return this builder
         */
        public Builder maxFrameBytes(int bytes) {
            if (bytes < 1024) throw new IllegalArgumentException("maxFrameBytes must be at least 1024: " + bytes);
            maxFrameBytes = bytes;
            return this;
        }

        /**
         * Use native epoll when available (default true).
         *
         * @param prefer whether to use epoll when it is available
         * @return this builder
         */
        public Builder preferNative(boolean prefer) {
            preferNative = prefer;
            return this;
        }

        /**
         * The Raft group this client's commands and queries go to, on members that serve many
         * groups through one endpoint ({@code RaftClientEndpoint.builder(clusterId, host, listen)});
         * default: the default group, as a single-group member serves.
         *
         * @param group the group
         * @return this builder
         */
        public Builder group(GroupId group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /**
         * Connect over mutual TLS (default: plaintext), for members whose endpoint has
         * {@code RaftClientEndpoint.Builder.tls}: this client presents {@code tls}'s certificate
         * and trusts members whose certificates chain to {@code tls.trustedCertificates()} (and,
         * with {@code tls.verifyHostname()}, name the host dialled).
         *
         * @param tls this client's certificate and key, and what members must chain to
         * @return this builder
         */
        public Builder tls(TlsConfig tls) {
            this.tls = Optional.of(Objects.requireNonNull(tls, "tls"));
            return this;
        }

        /**
         * Builds the client.
         *
         * @return the client
         * @throws IllegalStateException when no member is given
         * @throws UncheckedIOException  when the TLS files cannot be read
         */
        public RaftClient build() {
            if (members.isEmpty()) throw new IllegalStateException("members are required");
            Optional<SslContext> ssl;
            try {
                ssl = tls.isPresent() ? Optional.of(SslContexts.client(tls.get())) : Optional.empty();
            } catch (javax.net.ssl.SSLException e) {
                throw new UncheckedIOException("cannot read the client's TLS files: " + e.getMessage(), e);
            }
            return new RaftClient(new Settings(clusterId, group, clientId, List.copyOf(members), requestTimeout,
                    maxOutstanding, retryBudget, maxFrameBytes), connectTimeout, preferNative, ssl);
        }
    }
}
