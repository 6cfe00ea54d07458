package dev.floe.raft.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes frames on one connection from any thread, in the order {@link #offer} is called, and
 * flushes once per batch: completions arriving together (the server completes a batch of commands
 * at once) leave in one socket write. Frames are built and encoded on the event loop (the caller,
 * often the server's applier, only queues), so no buffer exists outside it and a closed connection
 * leaks nothing.
 */
public final class ResponseWriter {
    private static final Logger log = LoggerFactory.getLogger(ResponseWriter.class);

    private final Channel channel;
    private final int maxFrameBytes;
    private final Queue<Response> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public ResponseWriter(Channel channel, int maxFrameBytes) {
        this.channel = channel;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** A response, encoded on the event loop into a length-prefixed buffer. */
    @FunctionalInterface
    public interface Response {
        ByteBuf encode(ByteBufAllocator alloc, int maxFrameBytes) throws WireException;
    }

    /** Queues {@code response}; any thread, never blocks. Dropped when the connection is closed. */
    public void offer(Response response) {
        queue.add(response);
        if (scheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(this::drain);
            } catch (RuntimeException e) {
                // The event loop is shutting down: the connection is gone with it.
                queue.clear();
            }
        }
    }

    private void drain() {
        // Cleared before polling: a frame offered during the loop either is polled here or schedules again.
        scheduled.set(false);
        boolean wrote = false;
        Response response;
        while ((response = queue.poll()) != null) {
            if (!channel.isActive()) continue;
            try {
                ByteBuf buf = response.encode(channel.alloc(), maxFrameBytes);
                channel.write(buf, channel.voidPromise());
                wrote = true;
            } catch (WireException e) {
                log.warn("dropped a response to {}: {}", channel.remoteAddress(), e.getMessage());
            }
        }
        if (wrote) channel.flush();
    }
}
