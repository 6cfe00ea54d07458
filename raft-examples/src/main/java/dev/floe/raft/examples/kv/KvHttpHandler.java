package dev.floe.raft.examples.kv;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection: turns each aggregated request into a {@link KvRequest}, hands it to the
 * {@link KvApi}, and writes the reply when its future completes, without ever blocking the event
 * loop. Replies leave in request order even when a client pipelines requests (RFC 9112 §9.3.2).
 * Not sharable: one instance per connection.
 */
final class KvHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(KvHttpHandler.class);

    private final KvApi api;
    /** Completes when the previous reply on this connection has been handed to the socket; event loop only. */
    private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

    KvHttpHandler(KvApi api) {
        this.api = api;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = request.method().equals(HttpMethod.HEAD);
        CompletableFuture<Reply> reply;
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            keepAlive = false; // the stream cannot be trusted after a malformed request
            reply = CompletableFuture.completedFuture(cause instanceof TooLongFrameException
                    ? Reply.error(431, "request_too_large", "request line or headers too long: " + cause.getMessage())
                    : Reply.error(400, "malformed_request", String.valueOf(cause.getMessage())));
        } else if (request instanceof HttpAuthFilter.Refused refused) {
            keepAlive = false; // the refused request's body, if any, was not read
            reply = CompletableFuture.completedFuture(refused.reply);
        } else {
            Map<String, String> headers = new HashMap<>();
            request.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
            KvRequest kv = new KvRequest(request.method().name(), request.uri(), headers, ByteBufUtil.getBytes(request.content()));
            reply = api.handle(kv);
        }
        boolean close = !keepAlive;
        CompletableFuture<Void> written = new CompletableFuture<>();
        previous.thenCombine(reply, (ignored, r) -> r).whenComplete((r, failure) -> {
            Reply out = failure == null ? r : Reply.error(500, "internal", failure.toString());
            ChannelFuture f = ctx.writeAndFlush(toNetty(out, head, close));
            f.addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
            f.addListener(done -> written.complete(null));
        });
        previous = written;
    }

    /** With {@code head}: the headers of the reply, its length included, and no body (RFC 9110 §9.3.2). */
    private static FullHttpResponse toNetty(Reply reply, boolean head, boolean close) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        reply.headers().forEach((name, value) -> response.headers().set(name, value));
        HttpUtil.setContentLength(response, reply.body().length);
        if (close) response.headers().set(HttpHeaderNames.CONNECTION, "close");
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP connection {} failed; closing it", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
