package dev.floe.raft.examples.kv;

import dev.floe.raft.Endpoint;
import dev.floe.raft.transport.netty.TlsConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * raft-kv's security settings, all in one place (docs/security.md):
 * <ul>
 *   <li>{@code --cluster-id ID}: both ends of every raft connection must agree on it (default raft-kv);</li>
 *   <li>{@code --tls-cert FILE --tls-key FILE --tls-ca FILE} (PEM; all three or none): mutual TLS
 *       between members, each certificate naming its node id (CN or DNS SAN), and HTTPS for the API;</li>
 *   <li>{@code --auth-file FILE}: the API's principals and roles ({@link KvAccess}); without it the
 *       API is open to anyone who can reach the port;</li>
 *   <li>HTTP connection limits and timeouts ({@link KvHttpLimits}, defaults).</li>
 * </ul>
 * Without TLS, raft traffic and the API are plaintext: fine on loopback, and warned about loudly on
 * any other address.
 */
public record KvSecurity(String clusterId, Optional<Tls> tls, Optional<KvAccess> access, KvHttpLimits httpLimits) {
    private static final Logger LOG = LoggerFactory.getLogger(KvSecurity.class);

    /** The PEM files: this node's certificate chain and PKCS#8 key, and the CA everyone's certificates chain to. */
    public record Tls(Path certificate, Path key, Path ca) {
        public Tls {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(ca, "ca");
        }
    }

    public KvSecurity {
        Objects.requireNonNull(clusterId, "clusterId");
        if (clusterId.isBlank() || clusterId.length() > 128) throw new IllegalArgumentException("--cluster-id must have 1-128 characters");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(httpLimits, "httpLimits");
    }

    /** No TLS, no authentication, cluster id {@code raft-kv}: loopback demos and tests. */
    public static KvSecurity plaintext() {
        return new KvSecurity("raft-kv", Optional.empty(), Optional.empty(), KvHttpLimits.DEFAULT);
    }

    /**
     * The settings from the command-line options {@code --cluster-id}, {@code --tls-cert}, {@code --tls-key},
     * {@code --tls-ca} and {@code --auth-file}.
     *
     * @param option the value of an option, empty when not given
     * @throws IOException              when the access file cannot be read or is malformed
     * @throws IllegalArgumentException when the TLS options are incomplete or name missing files
     */
    public static KvSecurity fromOptions(Function<String, Optional<String>> option) throws IOException {
        String clusterId = option.apply("--cluster-id").orElse("raft-kv");
        Optional<String> cert = option.apply("--tls-cert");
        Optional<String> key = option.apply("--tls-key");
        Optional<String> ca = option.apply("--tls-ca");
        Optional<Tls> tls = Optional.empty();
        if (cert.isPresent() || key.isPresent() || ca.isPresent()) {
            if (cert.isEmpty() || key.isEmpty() || ca.isEmpty()) {
                throw new IllegalArgumentException("--tls-cert, --tls-key and --tls-ca go together");
            }
            tls = Optional.of(new Tls(existing(cert.get(), "--tls-cert"), existing(key.get(), "--tls-key"), existing(ca.get(), "--tls-ca")));
        }
        Optional<KvAccess> access = option.apply("--auth-file").isPresent()
                ? Optional.of(KvAccess.load(existing(option.apply("--auth-file").get(), "--auth-file"))) : Optional.empty();
        return new KvSecurity(clusterId, tls, access, KvHttpLimits.DEFAULT);
    }

    private static Path existing(String file, String option) {
        Path p = Path.of(file);
        if (!Files.isReadable(p)) throw new IllegalArgumentException(option + " " + file + ": no such readable file");
        return p;
    }

    /** The same settings with other HTTP limits. */
    public KvSecurity withHttpLimits(KvHttpLimits limits) {
        return new KvSecurity(clusterId, tls, access, limits);
    }

    /** Mutual TLS between members, with the node-id check and hostname verification ({@link TlsConfig#mutual}). */
    public Optional<TlsConfig> peerTls() {
        return tls.map(t -> TlsConfig.mutual(t.certificate(), t.key(), t.ca()));
    }

    /** {@code https} with TLS, {@code http} without. */
    public String scheme() {
        return tls.isPresent() ? "https" : "http";
    }

    /**
     * The HTTPS context of the API: this node's certificate; client certificates chaining to the
     * CA are asked for but optional (they authenticate only when listed in the access file).
     */
    public Optional<SslContext> httpsContext() throws IOException {
        if (tls.isEmpty()) return Optional.empty();
        Tls t = tls.get();
        return Optional.of(SslContextBuilder.forServer(t.certificate().toFile(), t.key().toFile())
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .trustManager(t.ca().toFile())
                .clientAuth(ClientAuth.OPTIONAL)
                .build());
    }

    /** A JDK {@link SSLContext} trusting the certificates in {@code caPem}: for clients of the API (tests, tools). */
    public static SSLContext clientContext(Path caPem) throws IOException {
        return PemKeys.trustContext(caPem);
    }

    /**
     * How this node calls the other members' HTTP APIs (the cluster view, follower readiness):
     * plain HTTP without TLS; with TLS, HTTPS trusting the CA and presenting this node's own
     * certificate, which the others accept as a member's (read role) even when their access file does
     * not list it ({@link KvAccess}).
     *
     * @throws IOException when the PEM files cannot be read
     */
    public java.net.http.HttpClient peerHttpClient(java.time.Duration connectTimeout) throws IOException {
        java.net.http.HttpClient.Builder b = java.net.http.HttpClient.newBuilder().connectTimeout(connectTimeout);
        if (tls.isPresent()) b.sslContext(PemKeys.mutualContext(tls.get().certificate(), tls.get().key(), tls.get().ca()));
        return b.build();
    }

    /** Logs, loudly, what is exposed when {@code raft} or {@code http} listens beyond loopback without protection. */
    public void warnIfExposed(String node, Endpoint raft, Endpoint http) {
        if (tls.isEmpty() && (!loopback(raft.host()) || !loopback(http.host()))) {
            LOG.warn("""
                    
                    ************************************************************************************
                    {}: TLS IS OFF but this node listens beyond loopback (raft {}, http {}).
                    Anyone who can reach these ports can forge Raft messages (rewrite or lose acknowledged
                    writes, take leadership) and read every value. Use --tls-cert/--tls-key/--tls-ca
                    (docs/security.md) on any network you do not fully control.
                    ************************************************************************************""", node, raft, http);
        }
        if (access.isEmpty() && !loopback(http.host())) {
            LOG.warn("""
                    
                    ************************************************************************************
                    {}: the HTTP API on {} has NO AUTHENTICATION: anyone who can reach it can read and
                    write every key, remove members and transfer leadership. Use --auth-file (docs/security.md).
                    ************************************************************************************""", node, http);
        }
    }

    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
