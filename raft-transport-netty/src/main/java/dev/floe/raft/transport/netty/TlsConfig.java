package dev.floe.raft.transport.netty;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for peer connections, from PEM files, through Netty's {@code SslHandler} with the JDK provider.
 *
 * <p>Every node both accepts and dials, so one node uses the same certificate for both roles.
 * The peers' certificates must chain to a certificate in {@code trustedCertificates}. With
 * {@code requireClientCertificate} (mutual TLS, the default) a dialer without such a certificate is
 * refused during the TLS handshake. With {@code verifyHostname} the dialer also checks that the
 * accepting node's certificate names the host it dialled (a DNS or IP subject alternative name).
 *
 * @param certificateChain      PEM file: this node's certificate, then any intermediates
 * @param privateKey            PEM file: this node's PKCS#8 private key, unencrypted
 * @param trustedCertificates   PEM file: the certificates (typically one CA) peers must chain to
 * @param requireClientCertificate whether accepted connections must present a trusted certificate
 * @param verifyHostname        whether dialled peers' certificates must match the dialled host
 */
public record TlsConfig(Path certificateChain, Path privateKey, Path trustedCertificates,
                        boolean requireClientCertificate, boolean verifyHostname) {

    public TlsConfig {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(trustedCertificates, "trustedCertificates");
    }

    /** Mutual TLS with hostname verification: the recommended setting. */
    public static TlsConfig mutual(Path certificateChain, Path privateKey, Path trustedCertificates) {
        return new TlsConfig(certificateChain, privateKey, trustedCertificates, true, true);
    }
}
