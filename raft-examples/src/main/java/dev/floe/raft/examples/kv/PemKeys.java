package dev.floe.raft.examples.kv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** The JDK's TLS contexts from the PEM files raft-kv is configured with (certificate chain, PKCS#8 key, CA). */
final class PemKeys {
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

    private PemKeys() {
    }

    /** A client context that trusts the CAs in {@code caPem} and presents no certificate. */
    static SSLContext trustContext(Path caPem) throws IOException {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, trustManagers(caPem), null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read CA certificates from " + caPem + ": " + e.getMessage(), e);
        }
    }

    /** A client context that presents {@code certificate}/{@code key} and trusts the CAs in {@code caPem}. */
    static SSLContext mutualContext(Path certificate, Path key, Path caPem) throws IOException {
        try {
            KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
            keys.load(null, null);
            keys.setKeyEntry("self", privateKey(key), new char[0], certificates(certificate).toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf.getKeyManagers(), trustManagers(caPem), null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build a TLS context from " + certificate + ", " + key + " and " + caPem + ": " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trustManagers(Path caPem) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (Certificate c : certificates(caPem)) trust.setCertificateEntry("ca" + i++, c);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }

    private static List<Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            List<Certificate> all = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (all.isEmpty()) throw new IOException(pem + ": no certificate");
            return all;
        }
    }

    /** An unencrypted PKCS#8 key ({@code -----BEGIN PRIVATE KEY-----}), of whichever algorithm it is. */
    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) throw new IOException(pem + ": not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY)");
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new IOException(pem + ": a PKCS#8 key of none of " + KEY_ALGORITHMS);
    }
}
