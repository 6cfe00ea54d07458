package dev.floe.raft.transport.netty;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Mutual TLS for peer connections, from PEM files, through Netty's {@code SslHandler} with the JDK
 * provider.
 *
 * <p>Every node both accepts and dials, so one node uses the same certificate for both roles. The
 * peers' certificates must chain to a certificate in {@code trustedCertificates}, in both
 * directions: a dialer without such a certificate is refused during the TLS handshake.
 *
 * <p>Peer identity: on both sides of every connection the peer's certificate must also name the
 * node id that side stands for: the id claimed in the handshake (accepting side) or the id of the
 * peer dialled (dialling side). A certificate names node {@code N} when its subject CN is {@code N}
 * or one of its DNS subject alternative names is {@code N} (docs/security.md). With
 * {@code verifyHostname} the dialer also checks that the accepting node's certificate names the
 * host it dialled (a DNS or IP subject alternative name).
 *
 * @param certificateChain    PEM file: this node's certificate, then any intermediates
 * @param privateKey          PEM file: this node's PKCS#8 private key, unencrypted
 * @param trustedCertificates PEM file: the certificates (typically one CA) peers must chain to
 * @param verifyHostname      whether dialled peers' certificates must match the dialled host
 */
public record TlsConfig(Path certificateChain, Path privateKey, Path trustedCertificates, boolean verifyHostname) {

    /**
     * Checks that every file is given.
     *
     * @param certificateChain    PEM file: this node's certificate, then any intermediates
     * @param privateKey          PEM file: this node's PKCS#8 private key, unencrypted
     * @param trustedCertificates PEM file: the certificates (typically one CA) peers must chain to
     * @param verifyHostname      whether dialled peers' certificates must match the dialled host
     */
    public TlsConfig {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(trustedCertificates, "trustedCertificates");
    }

    /**
     * Mutual TLS with hostname verification: the recommended setting.
     *
     * @param certificateChain PEM file: this node's certificate, then any intermediates
     * @param privateKey       PEM file: this node's PKCS#8 private key, unencrypted
     * @param trustedCertificates PEM file: the certificates peers must chain to
     * @return the settings
     */
    public static TlsConfig mutual(Path certificateChain, Path privateKey, Path trustedCertificates) {
        return new TlsConfig(certificateChain, privateKey, trustedCertificates, true);
    }
}
