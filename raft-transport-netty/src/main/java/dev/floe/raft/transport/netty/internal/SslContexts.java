package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.transport.netty.TlsConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/** Builds the accepting and dialling TLS contexts from a {@link TlsConfig} (JDK provider, TLS 1.3 and 1.2). */
public final class SslContexts {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private SslContexts() {
    }

    public static SslContext server(TlsConfig tls) throws SSLException {
        return SslContextBuilder.forServer(tls.certificateChain().toFile(), tls.privateKey().toFile())
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS)
                .trustManager(tls.trustedCertificates().toFile())
                .clientAuth(ClientAuth.REQUIRE) // the peer identity check needs the dialer's certificate
                .build();
    }

    public static SslContext client(TlsConfig tls) throws SSLException {
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS)
                .keyManager(tls.certificateChain().toFile(), tls.privateKey().toFile())
                .trustManager(tls.trustedCertificates().toFile())
                .endpointIdentificationAlgorithm(tls.verifyHostname() ? "HTTPS" : null)
                .build();
    }
}
