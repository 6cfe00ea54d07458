package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.NodeId;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Binds a TLS peer certificate to a node id (docs/security.md, "Peer identity"): a certificate
 * names node {@code N} when its subject common name (CN) is {@code N} or one of its DNS subject
 * alternative names is {@code N}. A trusted certificate proves only that the CA vouched for
 * <em>some</em> member; without this check any member (or anyone holding any member's key) could
 * claim to be any other, for example the leader.
 */
public final class PeerCertificates {
    private static final int SAN_DNS = 2;

    private PeerCertificates() {
    }

    /**
     * Null when the TLS peer of {@code channel} presented a certificate naming {@code claimed};
     * otherwise why not, for the single log line of the refusal.
     */
    public static String mismatch(Channel channel, NodeId claimed) {
        return mismatch(channel, Set.of(claimed.value()), "node id " + claimed);
    }

    /**
     * Null when {@code channel} is plaintext, {@code authorized} is empty, or its TLS peer presented a
     * certificate naming one of {@code authorized}; otherwise why not. For client connections
     * (docs/security.md, "Clients").
     */
    public static String unauthorizedClient(Channel channel, Set<String> authorized) {
        if (authorized.isEmpty()) return null;
        return mismatch(channel, authorized, "an authorized client");
    }

    private static String mismatch(Channel channel, Set<String> wanted, String what) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) return null; // plaintext transport: nothing to bind (docs/security.md)
        Certificate[] chain;
        try {
            chain = ssl.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return "no verified peer certificate to prove " + what;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
            return "no X.509 peer certificate to prove " + what;
        }
        List<String> names = names(cert);
        for (String name : names) {
            if (wanted.contains(name)) return null;
        }
        return "certificate names " + names + ", not " + what;
    }

    /** The subject CNs and DNS alternative names of {@code cert}. */
    static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) names.add(String.valueOf(rdn.getValue()));
            }
        } catch (InvalidNameException e) {
            // An unparsable subject names nothing; the alternative names may still.
        }
        try {
            Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() == 2 && entry.get(0) instanceof Integer type && type == SAN_DNS) names.add(String.valueOf(entry.get(1)));
                }
            }
        } catch (CertificateParsingException e) {
            // As above.
        }
        return names;
    }
}
