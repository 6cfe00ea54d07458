package dev.floe.raft.examples.kv;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Checks each request's credentials ({@link KvAccess}) as soon as its headers are decoded, before
 * any body is buffered: a refused request is replaced by a bodiless {@link Refused} request that
 * {@link KvHttpHandler} answers (in order, like any other) with the 401/403 JSON error before closing
 * the connection; its body, if the client sends one, is discarded unread. So an unauthenticated
 * caller changes nothing, cannot make the node buffer a body, and never gets {@code 100 Continue}.
 * One instance per connection.
 */
final class HttpAuthFilter extends ChannelInboundHandlerAdapter {
    private final KvAccess access;
    private final Predicate<String> isMember;
    private boolean discarding;

    /** {@code isMember} says whether a name is a current member's node id (see {@link KvAccess#check}). */
    HttpAuthFilter(KvAccess access, Predicate<String> isMember) {
        this.access = access;
        this.isMember = isMember;
    }

    /** A request refused before its body: the reply to send, then close. */
    static final class Refused extends DefaultFullHttpRequest {
        final Reply reply;

        Refused(HttpRequest original, Reply reply) {
            super(original.protocolVersion(), original.method(), original.uri(), Unpooled.EMPTY_BUFFER);
            this.reply = reply;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && !request.decoderResult().isFailure()) {
            // The raw path, exactly as KvApi routes on it, so both agree on which resource is meant.
            String path = KvRequest.pathOf(request.uri());
            Certificate client = clientCertificate(ctx);
            Reply refusal = access.check(request.method().name(), path,
                    Optional.ofNullable(request.headers().get(HttpHeaderNames.AUTHORIZATION)), commonNames(client),
                    memberNamed(client));
            discarding = refusal != null;
            if (discarding) {
                boolean last = msg instanceof LastHttpContent;
                ReferenceCountUtil.release(msg);
                if (last) discarding = false;
                ctx.fireChannelRead(new Refused(request, refusal));
                return;
            }
        } else if (discarding && msg instanceof HttpContent content) {
            if (content instanceof LastHttpContent) discarding = false;
            content.release();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** The verified client certificate of this connection, if any. */
    private static Certificate clientCertificate(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) return null;
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length > 0 ? chain[0] : null;
        } catch (SSLPeerUnverifiedException e) {
            return null; // no client certificate: only a token can authenticate
        }
    }

    /** The subject CNs of {@code certificate}. */
    private static List<String> commonNames(Certificate certificate) {
        List<String> names = new ArrayList<>();
        if (!(certificate instanceof X509Certificate cert)) return names;
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) names.add(String.valueOf(rdn.getValue()));
            }
        } catch (InvalidNameException e) {
            // an unusable subject: only a token can authenticate
        }
        return names;
    }

    /** The current member {@code certificate} names, by a CN or a DNS subject alternative name, as on the raft port. */
    private Optional<String> memberNamed(Certificate certificate) {
        if (!(certificate instanceof X509Certificate cert)) return Optional.empty();
        List<String> names = new ArrayList<>(commonNames(cert));
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(2).equals(san.get(0))) names.add(String.valueOf(san.get(1))); // dNSName
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            // no usable alternative names
        }
        return names.stream().filter(isMember).findFirst();
    }
}
