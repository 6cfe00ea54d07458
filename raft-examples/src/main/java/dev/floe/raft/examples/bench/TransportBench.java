package dev.floe.raft.examples.bench;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Entry;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.HeartbeatResponse;
import dev.floe.raft.message.Message;
import dev.floe.raft.transport.netty.NettyTransport;
import dev.floe.raft.transport.netty.NettyTransportConfig;
import dev.floe.raft.transport.netty.internal.MessageCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Loopback benchmark of {@link NettyTransport} next to a raw Netty baseline, in one run.
 *
 * <ul>
 *   <li><b>Throughput, one way</b>: AppendRequests of 64 entries of 128 bytes from one node to
 *       another, as messages/s and payload MB/s. The baseline sends length-prefixed byte frames
 *       of the same wire size to a Netty sink that splits frames with the same decoder; each frame
 *       is copied into a fresh buffer, as any sender of application bytes must. Both senders keep
 *       at most {@code WINDOW} messages in flight (the receiver's count is read in-process), so
 *       neither overflows the transport's best-effort queue.</li>
 *   <li><b>Round trip</b> of a single small message (heartbeat and its response / an 8-byte
 *       frame echoed back): p50 and p99.</li>
 * </ul>
 *
 * <p>Throughput runs alternate raw and Floe for a few rounds and report the median of each.
 * Usage: {@code TransportBench [seconds-per-run, default 4] [rounds, default 3]}.
 */
public final class TransportBench {
    private static final int ENTRIES = 64;
    private static final int ENTRY_BYTES = 128;
    private static final int WINDOW = 1024;
    private static final int RTT_WARMUP = 5_000;
    private static final int RTT_SAMPLES = 20_000;
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");

    /** Keeps the copying sink's work observable so the JIT cannot drop it. */
    private static volatile int blackhole;

    private TransportBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf("Loopback, %s, %d cores, %d rounds of %d s per throughput run, window %d%n",
                Epoll.isAvailable() ? "epoll" : "nio", Runtime.getRuntime().availableProcessors(), rounds, seconds, WINDOW);

        AppendRequest append = appendRequest();
        int wireBytes = wireSize(append);
        long payload = (long) ENTRIES * ENTRY_BYTES;
        System.out.printf("AppendRequest: %d entries x %d B = %d B payload, %d B on the wire%n%n",
                ENTRIES, ENTRY_BYTES, payload, wireBytes);

        // Alternating rounds, median of each: a 2-core machine with neighbours is noisy, and
        // running one side first would hand it the quieter (or the warmer) moment.
        double[] rawRates = new double[rounds];
        double[] copyRates = new double[rounds];
        double[] floeRates = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            rawRates[round] = rawThroughput(wireBytes, seconds, false).messagesPerSecond();
            copyRates[round] = rawThroughput(wireBytes, seconds, true).messagesPerSecond();
            floeRates[round] = floeThroughput(append, seconds).messagesPerSecond();
            System.out.printf("  round %d: raw sink %,.0f msg/s, raw copying sink %,.0f msg/s, Floe %,.0f msg/s%n",
                    round + 1, rawRates[round], copyRates[round], floeRates[round]);
        }
        Throughput raw = new Throughput(median(rawRates));
        Throughput rawCopy = new Throughput(median(copyRates));
        Throughput floe = new Throughput(median(floeRates));
        long[] rawRtt = rawRoundTrips();
        long[] floeRtt = floeRoundTrips();

        System.out.println();
        System.out.printf("%-22s %14s %12s %12s %12s%n", "", "messages/s", "payload MB/s", "RTT p50 us", "RTT p99 us");
        print("raw Netty sink", raw, payload, rawRtt);
        print("raw copying sink", rawCopy, payload, null);
        print("Floe NettyTransport", floe, payload, floeRtt);
        System.out.printf("%nFloe / raw sink throughput: %.0f%%; Floe / raw copying sink: %.0f%%%n",
                100.0 * floe.messagesPerSecond() / raw.messagesPerSecond(),
                100.0 * floe.messagesPerSecond() / rawCopy.messagesPerSecond());
    }

    private record Throughput(double messagesPerSecond) {
    }

    private static void print(String name, Throughput t, long payload, long[] rtt) {
        System.out.printf("%-22s %,14.0f %12.1f", name, t.messagesPerSecond(), t.messagesPerSecond() * payload / 1e6);
        if (rtt != null) System.out.printf(" %12.1f %12.1f", percentile(rtt, 0.50) / 1e3, percentile(rtt, 0.99) / 1e3);
        System.out.println();
    }

    // ------------------------------------------------------------------ Floe

    private static Throughput floeThroughput(AppendRequest append, int seconds) throws Exception {
        AtomicLong received = new AtomicLong();
        try (NettyTransport receiver = transport(B, A);
             NettyTransport sender = transport(A, B)) {
            receiver.start(B, m -> received.incrementAndGet());
            sender.start(A, m -> { });
            link(sender, B, receiver);
            link(receiver, A, sender);
            long[] sent = {0}; // bench-thread confined
            Runnable sendOne = () -> {
                sender.send(append);
                sent[0]++;
            };
            double rate = measure(sendOne, () -> sent[0], received, seconds);
            if (sender.stats().messagesDropped() > 0) {
                System.out.printf("(Floe sender dropped %d messages)%n", sender.stats().messagesDropped());
            }
            return new Throughput(rate);
        }
    }

    private static long[] floeRoundTrips() throws Exception {
        AtomicReference<CompletableFuture<Message>> pending = new AtomicReference<>();
        try (NettyTransport a = transport(A, B); NettyTransport b = transport(B, A)) {
            b.start(B, m -> b.send(new HeartbeatResponse(B, A, m.term(), ((HeartbeatRequest) m).readContext())));
            a.start(A, m -> pending.get().complete(m));
            link(a, B, b);
            link(b, A, a);
            long[] samples = new long[RTT_SAMPLES];
            for (int i = 0; i < RTT_WARMUP + RTT_SAMPLES; i++) {
                CompletableFuture<Message> reply = new CompletableFuture<>();
                pending.set(reply);
                long start = System.nanoTime();
                a.send(new HeartbeatRequest(A, B, 1, i, i));
                reply.get(5, TimeUnit.SECONDS);
                if (i >= RTT_WARMUP) samples[i - RTT_WARMUP] = System.nanoTime() - start;
            }
            return samples;
        }
    }

    private static NettyTransport transport(NodeId self, NodeId peer) {
        return new NettyTransport(NettyTransportConfig.builder("bench", self, new Endpoint("127.0.0.1", 0))
                .ioThreads(1).build());
    }

    private static void link(NettyTransport from, NodeId to, NettyTransport target) {
        from.addPeer(to, target.localEndpoint());
    }

    private static AppendRequest appendRequest() {
        List<Entry> entries = new ArrayList<>(ENTRIES);
        for (int i = 0; i < ENTRIES; i++) {
            byte[] data = new byte[ENTRY_BYTES];
            Arrays.fill(data, (byte) i);
            entries.add(Entry.command(7, 1_000_001 + i, Bytes.wrap(data)));
        }
        return new AppendRequest(A, B, 7, 1_000_000, 7, entries, 999_000);
    }

    /** The frame size of {@code m}, length prefix included. */
    private static int wireSize(AppendRequest m) {
        return MessageCodec.encode(m).getSerializedSize() + 4;
    }

    // ------------------------------------------------------------------ raw Netty

    /**
     * The raw one-way stream. With {@code copy} the sink also copies each frame into a fresh array,
     * the least any receiver that keeps payloads must do (Floe's decoder does this once per frame).
     */
    private static Throughput rawThroughput(int frameBytes, int seconds, boolean copy) throws Exception {
        byte[] frame = new byte[frameBytes];
        Arrays.fill(frame, (byte) 7);
        frame[0] = (byte) ((frameBytes - 4) >>> 24);
        frame[1] = (byte) ((frameBytes - 4) >>> 16);
        frame[2] = (byte) ((frameBytes - 4) >>> 8);
        frame[3] = (byte) (frameBytes - 4);
        AtomicLong received = new AtomicLong();
        AtomicLong requested = new AtomicLong();
        AtomicBoolean scheduled = new AtomicBoolean();
        long[] sent = {0}; // event-loop confined
        Runnable[] pump = new Runnable[1];
        Raw raw = Raw.start(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (copy) {
                    ByteBuf body = (ByteBuf) msg;
                    byte[] owned = new byte[body.readableBytes()];
                    body.getBytes(body.readerIndex(), owned);
                    blackhole ^= owned[owned.length - 1];
                }
                ReferenceCountUtil.release(msg);
                received.incrementAndGet();
            }
        }, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable() && scheduled.compareAndSet(false, true)) pump[0].run();
            }
        });
        try {
            Channel ch = raw.client;
            // Sends from the event loop in batches with one flush, like the transport's drain pass.
            pump[0] = () -> {
                scheduled.set(false);
                int n = 0;
                while (ch.isWritable() && sent[0] < requested.get() && n < 512) {
                    ByteBuf buf = ch.alloc().ioBuffer(frame.length);
                    buf.writeBytes(frame);
                    ch.write(buf, ch.voidPromise());
                    sent[0]++;
                    n++;
                }
                if (n > 0) ch.flush();
                if (n == 512 && scheduled.compareAndSet(false, true)) ch.eventLoop().execute(pump[0]);
            };
            Runnable sendOne = () -> {
                requested.incrementAndGet();
                if (scheduled.compareAndSet(false, true)) ch.eventLoop().execute(pump[0]);
            };
            return new Throughput(measure(sendOne, requested::get, received, seconds));
        } finally {
            raw.close();
        }
    }

    private static long[] rawRoundTrips() throws Exception {
        AtomicReference<CompletableFuture<Object>> pending = new AtomicReference<>();
        Raw raw = Raw.start(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf body = (ByteBuf) msg;
                ByteBuf echo = ctx.alloc().ioBuffer(4 + body.readableBytes());
                echo.writeInt(body.readableBytes()).writeBytes(body);
                body.release();
                ctx.writeAndFlush(echo, ctx.voidPromise());
            }
        }, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
                pending.get().complete(msg);
            }
        });
        try {
            long[] samples = new long[RTT_SAMPLES];
            for (int i = 0; i < RTT_WARMUP + RTT_SAMPLES; i++) {
                CompletableFuture<Object> reply = new CompletableFuture<>();
                pending.set(reply);
                long start = System.nanoTime();
                ByteBuf ping = raw.client.alloc().ioBuffer(12);
                ping.writeInt(8).writeLong(i);
                raw.client.writeAndFlush(ping, raw.client.voidPromise());
                reply.get(5, TimeUnit.SECONDS);
                if (i >= RTT_WARMUP) samples[i - RTT_WARMUP] = System.nanoTime() - start;
            }
            return samples;
        } finally {
            raw.close();
        }
    }

    /** A raw Netty server and one client connection to it, each side splitting length-prefixed frames. */
    private record Raw(EventLoopGroup serverGroup, EventLoopGroup clientGroup, Channel server, Channel client) {
        static Raw start(ChannelInboundHandlerAdapter serverHandler, ChannelInboundHandlerAdapter clientHandler)
                throws InterruptedException {
            boolean epoll = Epoll.isAvailable();
            IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
            Class<? extends ServerSocketChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
            Class<? extends SocketChannel> clientType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
            EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, factory);
            EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, factory);
            Channel server = new ServerBootstrap().group(serverGroup).channel(serverType)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // The same read-buffer sizing as the transport's accepted connections, for a like-for-like baseline.
                    .childOption(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 256 * 1024))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(16 << 20, 0, 4, 0, 4), serverHandler);
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((java.net.InetSocketAddress) server.localAddress()).getPort();
            Channel client = new Bootstrap().group(clientGroup).channel(clientType)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(16 << 20, 0, 4, 0, 4), clientHandler);
                        }
                    }).connect("127.0.0.1", port).sync().channel();
            return new Raw(serverGroup, clientGroup, server, client);
        }

        void close() {
            client.close().syncUninterruptibly();
            server.close().syncUninterruptibly();
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    // ------------------------------------------------------------------ shared

    /**
     * Calls {@code sendOne} as fast as the window allows for a warm-up second, then for
     * {@code seconds}, and returns the receive rate over the measured part.
     */
    private static double measure(Runnable sendOne, java.util.function.LongSupplier sent, AtomicLong received, int seconds) {
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 2));
        run(sendOne, sent, received, warmupEnd);
        java.util.Map<String, Long> cpuBefore = threadCpu();
        long startCount = received.get();
        long start = System.nanoTime();
        run(sendOne, sent, received, start + TimeUnit.SECONDS.toNanos(seconds));
        long count = received.get() - startCount;
        double rate = count / ((System.nanoTime() - start) / 1e9);
        java.util.Map<String, Long> cpuAfter = threadCpu();
        StringBuilder cpu = new StringBuilder("  CPU per message:");
        cpuAfter.forEach((name, nanos) -> {
            long used = nanos - cpuBefore.getOrDefault(name, 0L);
            if (used > TimeUnit.MILLISECONDS.toNanos(50)) cpu.append(String.format(" %s %.1f us,", name, used / 1e3 / count));
        });
        System.out.println(cpu);
        // Let the window drain so the next run starts clean.
        while (received.get() < sent.getAsLong()) LockSupport.parkNanos(100_000);
        return rate;
    }

    private static void run(Runnable sendOne, java.util.function.LongSupplier sent, AtomicLong received, long until) {
        while (System.nanoTime() < until) {
            if (sent.getAsLong() - received.get() < WINDOW) {
                sendOne.run();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
    }

    /** CPU time per live thread (main and event loops), by name. */
    private static java.util.Map<String, Long> threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Map<String, Long> cpu = new java.util.TreeMap<>();
        for (long id : mx.getAllThreadIds()) {
            java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
            long nanos = mx.getThreadCpuTime(id);
            if (info != null && nanos > 0) cpu.merge(info.getThreadName(), nanos, Long::sum);
        }
        return cpu;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double percentile(long[] samples, double p) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
