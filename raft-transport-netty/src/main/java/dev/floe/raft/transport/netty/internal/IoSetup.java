package dev.floe.raft.transport.netty.internal;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The I/O flavour: native epoll when it loads, Java NIO otherwise. */
public record IoSetup(String name, IoHandlerFactory handlerFactory, Class<? extends SocketChannel> socketChannel,
                      Class<? extends ServerSocketChannel> serverChannel) {

    /** Epoll when {@code preferNative} and {@link Epoll#isAvailable()}, NIO otherwise. */
    public static IoSetup choose(boolean preferNative) {
        if (preferNative && Epoll.isAvailable()) {
            return new IoSetup("epoll", EpollIoHandler.newFactory(), EpollSocketChannel.class, EpollServerSocketChannel.class);
        }
        return new IoSetup("nio", NioIoHandler.newFactory(), NioSocketChannel.class, NioServerSocketChannel.class);
    }
}
