package dev.floe.raft.examples.kv;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP timeouts of one connection ({@link KvHttpLimits}), so slow or silent clients cannot hold
 * connections: the request line and headers must arrive within the header timeout (counted from the
 * accept for the first request, TLS handshake included, and from the first byte of each later one),
 * the body within the body timeout of its headers, and a connection waiting for its next request is
 * closed after the idle timeout. While a request is being served no timer runs (the API always
 * answers within the server's request timeout).
 *
 * <p>Two handlers share the state: {@link #bytes()} goes before the HTTP codec (it sees a request
 * begin), {@link #messages()} right after it (it sees headers and body end, and responses leave).
 * Event loop only; one instance per connection.
 */
final class HttpDeadlines {
    private static final Logger LOG = LoggerFactory.getLogger(HttpDeadlines.class);

    private enum State { AWAITING_REQUEST, HEADERS, BODY }

    private final KvHttpLimits limits;
    private State state = State.HEADERS;
    private ScheduledFuture<?> timer;
    /** A response left before the request's body ended (413, or the aggregator's 100 Continue). */
    private boolean answeredEarly;

    HttpDeadlines(KvHttpLimits limits) {
        this.limits = limits;
    }

    ChannelInboundHandlerAdapter bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) throws Exception {
                arm(ctx, limits.headerTimeout(), "no complete request headers");
                super.channelActive(ctx);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (state == State.AWAITING_REQUEST && msg instanceof ByteBuf b && b.isReadable()) {
                    state = State.HEADERS;
                    arm(ctx, limits.headerTimeout(), "no complete request headers");
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                cancel();
                super.channelInactive(ctx);
            }
        };
    }

    ChannelDuplexHandler messages() {
        return new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                if (msg instanceof HttpRequest) {
                    state = State.BODY;
                    arm(ctx, limits.bodyTimeout(), "no complete request body");
                }
                if (msg instanceof LastHttpContent) {
                    // Being served: the API answers within the server's request timeout.
                    state = State.AWAITING_REQUEST;
                    cancel();
                    if (answeredEarly) {
                        answeredEarly = false;
                        arm(ctx, limits.idleTimeout(), "no new request");
                    }
                }
                super.channelRead(ctx, msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
                if (msg instanceof LastHttpContent) {
                    if (state == State.AWAITING_REQUEST) arm(ctx, limits.idleTimeout(), "no new request");
                    else answeredEarly = true;
                }
                super.write(ctx, msg, promise);
            }
        };
    }

    private void arm(ChannelHandlerContext ctx, Duration after, String what) {
        cancel();
        timer = ctx.executor().schedule(() -> {
            LOG.debug("closing HTTP connection from {}: {} within {} ms", ctx.channel().remoteAddress(), what, after.toMillis());
            ctx.channel().close();
        }, after.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
