package dev.floe.raft.benchmarks.transport;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.HeartbeatResponse;
import dev.floe.raft.transport.netty.NettyTransport;
import dev.floe.raft.transport.netty.NettyTransportOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One loopback round trip with the caller waiting, as at one request in flight: a heartbeat and its
 * response through two {@link NettyTransport}s, against an 8-byte frame echoed by raw Netty. The
 * waiting thread is parked and woken by the receiving event loop, as a caller of the library is.
 * Part of the latency floor at one request in flight, with the fsync: {@code LogAppendBenchmark -bm sample -p batch=1 -tu us}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RoundTripBenchmark {

    /** Counts replies and wakes the waiting caller. */
    static final class Replies {
        final AtomicLong count = new AtomicLong();
        volatile Thread waiter;

        void arrived() {
            count.incrementAndGet();
            Thread t = waiter;
            if (t != null) LockSupport.unpark(t);
        }

        void await(long target) {
            waiter = Thread.currentThread();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (count.get() < target) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("no reply within 10 s");
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Floe {
        static final NodeId A = NodeId.of("a");
        static final NodeId B = NodeId.of("b");
        final Replies replies = new Replies();
        NettyTransport a;
        NettyTransport b;
        long sent;

        @Setup(Level.Trial)
        public void open() throws Exception {
            a = new NettyTransport(NettyTransportOptions.builder("bench", A, new Endpoint("127.0.0.1", 0)).ioThreads(1).build());
            b = new NettyTransport(NettyTransportOptions.builder("bench", B, new Endpoint("127.0.0.1", 0)).ioThreads(1).build());
            b.start(B, m -> b.send(new HeartbeatResponse(B, A, m.term(), ((HeartbeatRequest) m).readContext())));
            a.start(A, m -> replies.arrived());
            a.addPeer(B, b.localEndpoint());
            b.addPeer(A, a.localEndpoint());
            // The first messages may be dropped while the connections are dialled: send until one comes back.
            while (replies.count.get() == 0) {
                a.send(new HeartbeatRequest(A, B, 1, 0, 0));
                LockSupport.parkNanos(20_000_000);
            }
            LockSupport.parkNanos(500_000_000); // replies to the extra warm-up heartbeats arrive before counting starts
            sent = replies.count.get();
        }

        @TearDown(Level.Trial)
        public void close() {
            a.close();
            b.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Raw {
        final Replies replies = new Replies();
        EventLoopGroup serverGroup;
        EventLoopGroup clientGroup;
        Channel server;
        Channel client;
        long sent;

        @Setup(Level.Trial)
        public void open() throws InterruptedException {
            boolean epoll = Epoll.isAvailable();
            IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
            Class<? extends ServerSocketChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
            Class<? extends SocketChannel> clientType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
            serverGroup = new MultiThreadIoEventLoopGroup(1, factory);
            clientGroup = new MultiThreadIoEventLoopGroup(1, factory);
            server = new ServerBootstrap().group(serverGroup).channel(serverType)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf body = (ByteBuf) msg;
                                    ByteBuf echo = ctx.alloc().ioBuffer(4 + body.readableBytes());
                                    echo.writeInt(body.readableBytes()).writeBytes(body);
                                    body.release();
                                    ctx.writeAndFlush(echo, ctx.voidPromise());
                                }
                            });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            client = new Bootstrap().group(clientGroup).channel(clientType)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ReferenceCountUtil.release(msg);
                                    replies.arrived();
                                }
                            });
                        }
                    }).connect("127.0.0.1", port).sync().channel();
        }

        @TearDown(Level.Trial)
        public void close() {
            client.close().syncUninterruptibly();
            server.close().syncUninterruptibly();
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Benchmark
    public void floeHeartbeat(Floe s) {
        s.a.send(new HeartbeatRequest(Floe.A, Floe.B, 1, 0, s.sent));
        s.replies.await(++s.sent);
    }

    @Benchmark
    public void rawNettyEcho(Raw s) {
        ByteBuf ping = s.client.alloc().ioBuffer(12);
        ping.writeInt(8).writeLong(s.sent);
        s.client.writeAndFlush(ping, s.client.voidPromise());
        s.replies.await(++s.sent);
    }
}
