package dev.floe.raft.examples.kv;

import dev.floe.raft.Endpoint;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP listener of one raft-kv node: a connection limit, optional TLS, timeouts
 * ({@link HttpDeadlines}), Netty's {@link HttpServerCodec}, optional authentication
 * ({@link HttpAuthFilter}), an aggregator bounded by {@link #MAX_BODY_BYTES}, then
 * {@link KvHttpHandler} over a {@link KvApi} (docs/security.md). Handlers never block the
 * event loop: replies are written when the API's futures complete.
 *
 * <p>{@link #start} binds or throws; {@link #close} stops listening and closes connections.
 */
public final class KvHttpServer implements AutoCloseable {
    /** Request bodies above this are refused with 413 (a value of {@link KvLimits#MAX_VALUE_BYTES}). */
    public static final int MAX_BODY_BYTES = KvLimits.MAX_VALUE_BYTES;
    /** Longest request line: a URL-encoded 1 KiB key, plus a {@code prev} of a few KiB. */
    static final int MAX_INITIAL_LINE = 16 * 1024;

    private final String name;
    private final Endpoint listen;
    private final KvApi api;
    private final KvSecurity security;
    private EventLoopGroup group;
    private Channel channel;

    public KvHttpServer(String name, Endpoint listen, KvApi api) {
        this(name, listen, api, KvSecurity.plaintext());
    }

    /** With HTTPS, authentication and connection limits from {@code security}. */
    public KvHttpServer(String name, Endpoint listen, KvApi api, KvSecurity security) {
        this.name = name;
        this.listen = listen;
        this.api = api;
        this.security = security;
    }

    /** Binds the listening socket. @throws IOException naming the address if it cannot be bound (for example in use) */
    public void start() throws IOException {
        Optional<SslContext> https = security.httpsContext();
        HttpConnectionLimiter limiter = new HttpConnectionLimiter(name, security.httpLimits());
        group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("kv-http-" + name, true), NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!limiter.admit(ch)) {
                            ch.close();
                            return;
                        }
                        https.ifPresent(ssl -> ch.pipeline().addLast(ssl.newHandler(ch.alloc())));
                        HttpDeadlines deadlines = new HttpDeadlines(security.httpLimits());
                        ch.pipeline().addLast(deadlines.bytes());
                        ch.pipeline().addLast(new HttpServerCodec(MAX_INITIAL_LINE, 16 * 1024, 64 * 1024));
                        ch.pipeline().addLast(deadlines.messages());
                        security.access().ifPresent(access -> ch.pipeline().addLast(new HttpAuthFilter(access, api::isMember)));
                        ch.pipeline().addLast(new JsonAggregator(MAX_BODY_BYTES));
                        ch.pipeline().addLast(new KvHttpHandler(api));
                    }
                });
        try {
            channel = bootstrap.bind(new InetSocketAddress(listen.host(), listen.port())).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            if (e instanceof BindException) throw new IOException("cannot serve HTTP on " + listen + ": " + e.getMessage(), e);
            throw new IOException("cannot serve HTTP on " + listen + ": " + e, e);
        }
    }

    /** The address actually bound. */
    public Endpoint endpoint() {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return new Endpoint(listen.host(), a.getPort());
    }

    @Override
    public void close() {
        if (channel != null) channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (group != null) group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
