package dev.floe.raft.benchmarks.transport;

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
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw Netty baseline of {@link FloeLink}: a client connection that sends length-prefixed frames
 * of the request's wire size, and a server that echoes each with a frame of the response's wire
 * size. Each side splits frames with {@link LengthFieldBasedFrameDecoder}, as the transport does;
 * the client copies its frame into a fresh buffer per message and writes from its event loop in
 * batches with one flush (as the transport's drain pass); the server flushes once per read burst.
 * Both sides read with the transport's receive-buffer sizing.
 */
final class RawNettyLink implements AutoCloseable {
    private static final int MAX_PER_PASS = 512;

    final AtomicLong acked = new AtomicLong();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private long sent; // event-loop confined
    private final byte[] frame;
    private final EventLoopGroup serverGroup;
    private final EventLoopGroup clientGroup;
    private final Channel server;
    private final Channel client;
    private final Runnable pump = this::pump;

    RawNettyLink(FloeLink.FrameSizes sizes) throws InterruptedException {
        frame = frame(sizes.request());
        byte[] response = frame(sizes.response());
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerSocketChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends SocketChannel> clientType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        serverGroup = new MultiThreadIoEventLoopGroup(1, factory);
        clientGroup = new MultiThreadIoEventLoopGroup(1, factory);
        server = new ServerBootstrap().group(serverGroup).channel(serverType)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(16 << 20, 0, 4, 0, 4), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg);
                                ByteBuf echo = ctx.alloc().ioBuffer(response.length);
                                echo.writeBytes(response);
                                ctx.write(echo, ctx.voidPromise());
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                ctx.flush();
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        client = new Bootstrap().group(clientGroup).channel(clientType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 256 * 1024))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(16 << 20, 0, 4, 0, 4), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg);
                                acked.incrementAndGet();
                            }

                            @Override
                            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                                if (ctx.channel().isWritable() && scheduled.compareAndSet(false, true)) pump();
                            }
                        });
                    }
                }).connect("127.0.0.1", port).sync().channel();
    }

    /** Asks the event loop to send one more frame. */
    void send() {
        requested.incrementAndGet();
        if (scheduled.compareAndSet(false, true)) client.eventLoop().execute(pump);
    }

    private void pump() {
        scheduled.set(false);
        int n = 0;
        while (client.isWritable() && sent < requested.get() && n < MAX_PER_PASS) {
            ByteBuf buf = client.alloc().ioBuffer(frame.length);
            buf.writeBytes(frame);
            client.write(buf, client.voidPromise());
            sent++;
            n++;
        }
        if (n > 0) client.flush();
        if (n == MAX_PER_PASS && scheduled.compareAndSet(false, true)) client.eventLoop().execute(pump);
    }

    @Override
    public void close() {
        client.close().syncUninterruptibly();
        server.close().syncUninterruptibly();
        clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A frame of {@code bytes} in all: a 4-byte length prefix and filler. */
    private static byte[] frame(int bytes) {
        byte[] f = new byte[bytes];
        Arrays.fill(f, (byte) 7);
        int body = bytes - 4;
        f[0] = (byte) (body >>> 24);
        f[1] = (byte) (body >>> 16);
        f[2] = (byte) (body >>> 8);
        f[3] = (byte) body;
        return f;
    }
}
